"""The editor's buttons. Each runs after the page's text is saved, in the same transaction,
gets the saved (locked) article and returns (message, what to add to the editor's URL: an
anchor, or ?section= / ?citation= to open a row of a collapsed list). A message of "" lets the
view say "Saved." only when the save changed something."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from articles.models import Citation, Section
from editorial import workflow
from editorial.authoring import services as authoring
from editorial.authoring.citations import citations_renumber
from editorial.authoring.views.editor_parts import run_checks


class FormInvalid(Exception):
    """The action's own form has errors; they are shown next to its fields."""


def row_suffix(name: str, pk: int, *, is_open: bool) -> str:
    """The editor URL's tail that shows row `pk` ("section"/"citation"), open or not. `?name=`
    is ignored where the list is short enough to show every row's fields."""
    anchor = f"#{name}-{pk}"
    return f"?{name}={pk}{anchor}" if is_open else anchor


def _save(request, article, forms, arg) -> tuple[str, str]:
    # the row being written stays open: saving often must not close it
    row = forms.open_row()
    return "Saved.", row_suffix(*row, is_open=True) if row else ""


def _close(request, article, forms, arg) -> tuple[str, str]:
    row = forms.open_row()
    return "", row_suffix(*row, is_open=False) if row else ""


def _edit(name: str) -> Callable:
    """Open one row of a collapsed list, after saving what the page carried (the row open
    until now included: switching rows loses nothing)."""

    def edit(request, article, forms, pk) -> tuple[str, str]:
        return "", row_suffix(name, pk, is_open=True)

    return edit


def _submit(request, article, forms, arg) -> tuple[str, str]:
    # Readers would see the markers out of order ([1], [3], [2]): say so before the board
    # reviews it; "Renumber citations" fixes it, "Submit anyway" keeps the order on purpose.
    order = run_checks(article, previews_for=()).reading_order
    if order:
        raise ValidationError(
            f"The published article would cite its sources in the order {order}, not 1, 2, 3. "
            "Press “Renumber citations” first, or “Submit anyway” to keep this order."
        )
    return _submit_anyway(request, article, forms, arg)


def _submit_anyway(request, article, forms, arg) -> tuple[str, str]:
    resubmit = article.status == "changes_requested"
    workflow.article_submit(article=article, actor=request.user)
    return ("Resubmitted for review." if resubmit else "Submitted for review."), ""


def _renumber(request, article, forms, arg) -> tuple[str, str]:
    citations_renumber(article=article, actor=request.user)
    return "Citations renumbered in order of first use; the markers in the text match.", ""


def _add_section(request, article, forms, arg) -> tuple[str, str]:
    if not forms.new_section.is_valid():
        raise FormInvalid
    section = authoring.section_add(
        article=article,
        actor=request.user,
        expected_updated_at=article.updated_at,
        **forms.new_section.cleaned_data,
    )
    # a new section is for writing in: open it, also where the list is (now) collapsed
    return "Section added.", row_suffix("section", section.pk, is_open=True)


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
    "close": _close,
    "edit-section": _edit("section"),
    "edit-citation": _edit("citation"),
    "submit": _submit,
    "submit-anyway": _submit_anyway,
    "renumber": _renumber,
    "add-section": _add_section,
    "add-citation": _add_citation,
    "add-source": _add_source,
    "section-up": _move(-1),
    "section-down": _move(+1),
    "section-remove": _remove_section,
    "citation-remove": _remove_citation,
}
