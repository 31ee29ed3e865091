"""The article editor: one form for the whole article; its buttons save, then act.

Every POST saves what was typed and performs the button's action in one transaction through
editorial.authoring.services / editorial.workflow: a refused action keeps the page as typed and
changes nothing. The live checks (htmx) run on the unsaved text and write nothing.

A big article (a list longer than EDITOR_INLINE_MAX_ROWS) is shown as text with an "Edit" per
section and citation: the form then carries the open row and the question, and a save writes
those (the version token still guards the whole article).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from editorial import workflow
from editorial.authoring import services as authoring
from editorial.authoring.forms import parse_version
from editorial.authoring.preview import render_markdown
from editorial.authoring.selectors import (
    article_for_editor,
    article_get_for_user,
    assignment_list_for_article,
    issuer_names_for_query,
    source_list_for_query,
)
from editorial.authoring.versions import VersionTexts, article_version_list, version_for_token
from editorial.authoring.views.editor_actions import ACTIONS, FormInvalid
from editorial.authoring.views.editor_parts import EditorForms, draft_article, run_checks
from editorial.authoring.views.unsaved import Typed, unsaved_texts
from editorial.workflow import permissions as perms


@require_http_methods(["GET", "POST"])
def article_editor(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":  # the session ended while the author was writing
            return _render_signed_out(request)
        return redirect_to_login(request.get_full_path())
    article = article_for_editor(request.user, pk)
    if request.method == "POST":
        return _editor_post(request, article)
    return _render(request, article, EditorForms.build(article, open_rows=_open_rows(request.GET)))


def _open_rows(params: QueryDict) -> set[str]:
    """?section=12 / ?citation=7: the row of a collapsed list to show with its fields."""
    rows = set()
    for name, prefix in (("section", "s"), ("citation", "c")):
        value = params.get(name, "")
        if value.isdigit():
            rows.add(f"{prefix}{value}")
    return rows


def _render(
    request: HttpRequest,
    article: Article,
    forms: EditorForms,
    *,
    status: int = 200,
    conflict: dict | None = None,
    error: str = "",
    unsaved: list[Typed] | None = None,
) -> HttpResponse:
    assignments = assignment_list_for_article(article)
    if not (article.is_editable and perms.can_edit(article, request.user)):
        return _render_read(request, article, assignments)
    query = request.POST.get("nc-query", "") if request.method == "POST" else ""
    checks = run_checks(draft_article(article, forms))
    context = {
        "article": article,
        "forms": forms,
        "checks": checks,
        # each section with its preview: a lookup per section in the template was 300 x 300
        "section_rows": [
            (section, form, checks.previews.get(section.pk, "")) for section, form in forms.sections
        ],
        "inline_max": settings.EDITOR_INLINE_MAX_ROWS,
        "assignments": assignments,
        "conflict": conflict,
        "error": error,
        "unsaved": unsaved or [],
        # a refused POST shows the library search as the author left it
        "query": query,
        "results": source_list_for_query(query) if query else [],
        "selected": request.POST.get("nc-source", ""),
    }
    return render(request, "author/article_editor.html", context, status=status)


def _render_read(
    request: HttpRequest,
    article: Article,
    assignments: list,
    *,
    status: int = 200,
    error: str = "",
    unsaved: list[Typed] | None = None,
) -> HttpResponse:
    anchors = {c.number: f"citation-{c.pk}" for c in article.citations.all()}
    context = {
        "article": article,
        "sections": [(s, render_markdown(s.body, anchors)) for s in article.sections.all()],
        "assignments": assignments,
        "can_revise": article.status in ("approved", "stale")
        and perms.can_start_revision(article, request.user),
        # why it is stale: the open flags, so the author revises knowing what changed
        "open_flags": list(
            article.staleness_flags.filter(resolved_at__isnull=True).select_related("source")
        )
        if article.status == "stale"
        else [],
        "error": error,
        "unsaved": unsaved or [],
    }
    return render(request, "author/article_read.html", context, status=status)


def _render_signed_out(request: HttpRequest) -> HttpResponse:
    """A save from a page whose session has ended: nothing was saved; show what was typed."""
    context = {"unsaved": unsaved_texts(request.POST), "next": request.path}
    return render(request, "author/not_saved_signed_out.html", context, status=403)


def _render_not_editable(request: HttpRequest, article: Article) -> HttpResponse:
    """A save from a page loaded while the article was editable (submitted, approved or
    archived since, e.g. from another tab): nothing was saved; show what was typed."""
    error = (
        f"Nothing was saved: the article is {article.get_status_display().lower()} now, and it "
        "can be edited only as a draft or after the board requests changes. What you typed is "
        "below, to copy."
    )
    return _render_read(
        request,
        article,
        assignment_list_for_article(article),
        status=409,
        error=error,
        unsaved=unsaved_texts(request.POST, article),
    )


def _editor_post(request: HttpRequest, article: Article) -> HttpResponse:
    perms.ensure(perms.can_edit(article, request.user), "You cannot edit this article.")
    if not article.is_editable:
        return _render_not_editable(request, article)
    name, _, arg = request.POST.get("action", "save").partition(":")
    action = ACTIONS.get(name)
    token = parse_version(request.POST.get("version"))
    if action is None or token is None or (arg and not arg.isdigit()):
        return HttpResponseBadRequest("Unknown action or missing version: reload the page.")
    forms = EditorForms.build(article, request.POST)
    if not forms.is_content_valid():
        return _render(request, article, forms, status=400, error=NOT_SAVED)
    try:
        with transaction.atomic():
            saved = authoring.article_update(
                article=article,
                actor=request.user,
                data=forms.content_data(),
                expected_updated_at=token,
            )
            message, suffix = action(request, saved, forms, int(arg) if arg else None)
    except authoring.EditConflict as exc:
        return _render_conflict(request, exc.article, token)
    except FormInvalid:
        return _render(request, article, forms, status=400, error=NOT_SAVED)
    except ValidationError as exc:
        return _render(request, article, forms, status=400, error=_sentences(exc))
    if not message and saved.updated_at != article.updated_at:
        message = "Saved."
    if message:
        messages.success(request, message)
    return redirect(reverse("author:article_editor", args=[article.pk]) + suffix)


NOT_SAVED = "Nothing was saved: please correct the fields marked below."


def _sentences(exc: ValidationError) -> str:
    return "Nothing was saved: " + " ".join(exc.messages)


def _render_conflict(request: HttpRequest, current: Article, token) -> HttpResponse:
    """Keep what this tab typed, show what the other save changed, and take its token so that
    saving again is a deliberate choice."""
    article = article_for_editor(request.user, current.pk)
    data = request.POST.copy()
    data["version"] = article.updated_at.isoformat()
    forms = EditorForms.build(article, data)
    forms.is_content_valid()
    versions = article_version_list(article)
    latest = versions[0] if versions else None
    mine = version_for_token(versions, token)
    diff = VersionTexts(article, versions).diff(mine, latest) if mine and latest else []
    conflict = {"latest": latest, "diff": [block for block in diff if block.is_changed]}
    # a row removed by the other save has no field left on the page: show its text here
    unsaved = unsaved_texts(request.POST, article, removed_only=True)
    return _render(request, article, forms, status=409, conflict=conflict, unsaved=unsaved)


@login_required
@require_POST
def article_check(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the validation panel and previews for what is typed now (writes nothing)."""
    article = article_for_editor(request.user, pk)
    perms.ensure(perms.can_edit(article, request.user), "You cannot edit this article.")
    forms = EditorForms.build(article, request.POST)
    # previews of the sections the page carries (a collapsed section is shown as saved)
    typed = [section.pk for section, form in forms.sections if form is not None and form.is_bound]
    checks = run_checks(draft_article(article, forms), previews_for=typed)
    context = {"article": article, "checks": checks, "forms": forms, "oob": True}
    return render(request, "author/partials/_check_response.html", context)


@login_required
@require_POST
def article_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a revision of an approved or stale article; readers keep the approved version."""
    article = article_get_for_user(request.user, pk)
    try:
        workflow.article_start_revision(
            article=article, actor=request.user, note=request.POST.get("note", "")[:500]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Revision started: readers keep the approved version.")
    return redirect("author:article_editor", pk=article.pk)


@login_required
@require_GET
def source_search(request: HttpRequest) -> HttpResponse:
    """htmx: library sources matching the query, as choices for the new citation."""
    if not request.user.is_active:
        raise PermissionDenied
    query = request.GET.get("nc-query", "")
    results = source_list_for_query(query)
    context = {"results": results, "query": query}
    return render(request, "author/partials/_source_results.html", context)


@login_required
@require_GET
def issuer_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx: issuer names already known, as <option>s of the new source's issuer datalist."""
    if not request.user.is_active:
        raise PermissionDenied
    names = issuer_names_for_query(request.GET.get("src-issuer", ""))
    return render(request, "author/partials/_issuer_options.html", {"names": names})
