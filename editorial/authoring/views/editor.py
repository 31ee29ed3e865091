"""The article editor: one form for the whole article; its buttons save, then act.

Every POST saves what was typed and performs the button's action in one transaction through
editorial.authoring.services / editorial.workflow: a refused action keeps the page as typed and
changes
nothing. The live checks (htmx) run on the unsaved text and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article, Citation, Section
from editorial import workflow
from editorial.authoring import services as authoring
from editorial.authoring.forms import parse_version
from editorial.authoring.preview import render_markdown
from editorial.authoring.selectors import (
    article_for_editor,
    article_get_for_user,
    assignment_list_for_article,
    source_list_for_query,
)
from editorial.authoring.versions import VersionTexts, article_version_list, version_for_token
from editorial.authoring.views.editor_parts import EditorForms, draft_article, run_checks
from editorial.workflow import permissions as perms


class FormInvalid(Exception):
    """The action's own form has errors; they are shown next to its fields."""


@login_required
@require_http_methods(["GET", "POST"])
def article_editor(request: HttpRequest, pk: int) -> HttpResponse:
    article = article_for_editor(request.user, pk)
    if request.method == "POST":
        return _editor_post(request, article)
    return _render(request, article, EditorForms.build(article))


def _render(
    request: HttpRequest,
    article: Article,
    forms: EditorForms,
    *,
    status: int = 200,
    conflict: dict | None = None,
    error: str = "",
) -> HttpResponse:
    assignments = assignment_list_for_article(article)
    if not (article.is_editable and perms.can_edit(article, request.user)):
        return _render_read(request, article, assignments)
    query = request.POST.get("nc-query", "") if request.method == "POST" else ""
    context = {
        "article": article,
        "forms": forms,
        "checks": run_checks(draft_article(article, forms)),
        "assignments": assignments,
        "conflict": conflict,
        "error": error,
        # a refused POST shows the library search as the author left it
        "query": query,
        "results": source_list_for_query(query) if query else [],
        "selected": request.POST.get("nc-source", ""),
    }
    return render(request, "author/article_editor.html", context, status=status)


def _render_read(request: HttpRequest, article: Article, assignments: list) -> HttpResponse:
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
    }
    return render(request, "author/article_read.html", context)


def _editor_post(request: HttpRequest, article: Article) -> HttpResponse:
    perms.ensure(perms.can_edit(article, request.user), "You cannot edit this article.")
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
            message, anchor = action(request, saved, forms, int(arg) if arg else None)
    except authoring.EditConflict as exc:
        return _render_conflict(request, exc.article, token)
    except FormInvalid:
        return _render(request, article, forms, status=400, error=NOT_SAVED)
    except ValidationError as exc:
        return _render(request, article, forms, status=400, error=_sentences(exc))
    messages.success(request, message)
    return redirect(reverse("author:article_editor", args=[article.pk]) + anchor)


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
    return _render(request, article, forms, status=409, conflict=conflict)


# --- the buttons: each gets the saved (locked) article and returns (message, anchor) ---


def _save(request, article, forms, arg) -> tuple[str, str]:
    return "Saved.", ""


def _submit(request, article, forms, arg) -> tuple[str, str]:
    resubmit = article.status == "changes_requested"
    workflow.article_submit(article=article, actor=request.user)
    return ("Resubmitted for review." if resubmit else "Submitted for review."), ""


def _add_section(request, article, forms, arg) -> tuple[str, str]:
    if not forms.new_section.is_valid():
        raise FormInvalid
    section = authoring.section_add(
        article=article,
        actor=request.user,
        expected_updated_at=article.updated_at,
        **forms.new_section.cleaned_data,
    )
    return "Section added.", f"#section-{section.pk}"


def _add_citation(request, article, forms, arg) -> tuple[str, str]:
    form = forms.new_citation
    if not form.is_valid():
        raise FormInvalid
    citation = authoring.citation_add(
        article=article,
        actor=request.user,
        expected_updated_at=article.updated_at,
        source=form.cleaned_data["source"],
        locator=form.cleaned_data["locator"],
    )
    return f"Citation [{citation.number}] added.", f"#citation-{citation.pk}"


def _add_source(request, article, forms, arg) -> tuple[str, str]:
    form = forms.new_source
    if not form.is_valid():
        raise FormInvalid
    try:
        source = authoring.source_create(actor=request.user, data=form.source_data())
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        raise FormInvalid from exc
    citation = authoring.citation_add(
        article=article,
        actor=request.user,
        expected_updated_at=article.updated_at,
        source=source,
        locator=form.cleaned_data["locator"],
    )
    notes = " ".join(getattr(form, "identifier_notes", []))
    return f"Source added to the library and cited as [{citation.number}]. {notes}".strip(), (
        f"#citation-{citation.pk}"
    )


def _move(step: int) -> Callable:
    def move(request, article, forms, pk) -> tuple[str, str]:
        order = list(article.sections.values_list("pk", flat=True))
        if pk not in order:
            raise ValidationError("That section is no longer in the article: reload the page.")
        i = order.index(pk)
        j = max(0, min(len(order) - 1, i + step))
        order[i], order[j] = order[j], order[i]
        authoring.section_reorder(
            article=article, actor=request.user, order=order, expected_updated_at=article.updated_at
        )
        return "Section moved.", f"#section-{pk}"

    return move


def _remove_section(request, article, forms, pk) -> tuple[str, str]:
    authoring.section_remove(
        section=Section(pk=pk, article=article),
        actor=request.user,
        expected_updated_at=article.updated_at,
    )
    return "Section removed (it stays in the history).", "#sections"


def _remove_citation(request, article, forms, pk) -> tuple[str, str]:
    authoring.citation_remove(
        citation=Citation(pk=pk, article=article),
        actor=request.user,
        expected_updated_at=article.updated_at,
    )
    return "Citation removed.", "#citations"


ACTIONS: dict[str, Callable] = {
    "save": _save,
    "submit": _submit,
    "add-section": _add_section,
    "add-citation": _add_citation,
    "add-source": _add_source,
    "section-up": _move(-1),
    "section-down": _move(+1),
    "section-remove": _remove_section,
    "citation-remove": _remove_citation,
}


@login_required
@require_POST
def article_check(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the validation panel and previews for what is typed now (writes nothing)."""
    article = article_for_editor(request.user, pk)
    perms.ensure(perms.can_edit(article, request.user), "You cannot edit this article.")
    forms = EditorForms.build(article, request.POST)
    checks = run_checks(draft_article(article, forms))
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
