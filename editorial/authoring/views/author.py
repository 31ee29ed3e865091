"""The author's dashboard, a new article, and an article's history with diffs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from editorial.access.roles import is_author, is_editor
from editorial.authoring import services as authoring
from editorial.authoring.forms import ArticleNewForm
from editorial.authoring.selectors import article_get_for_user, dashboard_for_user
from editorial.authoring.versions import VersionTexts, article_version_list
from editorial.workflow import permissions as perms


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "dashboard": dashboard_for_user(request.user),
        "can_write": is_author(request.user) or is_editor(request.user),
        "is_editor": is_editor(request.user),
    }
    return render(request, "author/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    perms.ensure(
        is_author(request.user) or is_editor(request.user), "Only authors and editors can write."
    )
    form = ArticleNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = authoring.article_create(author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("author:article_editor", pk=article.pk)
    status = 400 if form.is_bound else 200
    return render(request, "author/article_new.html", {"form": form}, status=status)


@login_required
@require_GET
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version with who, when and why; a diff between the two chosen (default: the
    latest and the one before)."""
    article = article_get_for_user(request.user, pk)
    versions = article_version_list(article)
    by_id = {v.history_id: v for v in versions}
    latest = versions[0] if versions else None
    new = _pick(request.GET.get("new"), by_id) or latest
    # default: what the latest version changed (the first version: everything in it)
    old = _pick(request.GET.get("old"), by_id) or (versions[1] if len(versions) > 1 else None)
    if old and new and old.history_date > new.history_date:
        old, new = new, old
    diff = VersionTexts(article, versions).diff(old, new) if new else []
    context = {"article": article, "versions": versions, "old": old, "new": new, "diff": diff}
    return render(request, "author/article_history.html", context)


def _pick(value: str | None, by_id: dict):
    return by_id.get(int(value)) if value and value.isdigit() else None
