"""The editor page's pieces: its forms, the unsaved draft they describe, and its checks."""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

from articles import citations as citation_checks
from articles.markers import parse_markers
from articles.models import Article, Citation, RegistryFinding, Section
from editorial.authoring.forms import (
    ArticleMetaForm,
    CitationForm,
    NewCitationForm,
    NewSectionForm,
    NewSourceForm,
    SectionForm,
)
from editorial.authoring.preview import render_markdown
from editorial.staleness.findings import finding_list_for_article
from editorial.workflow.submission import submission_problems


@dataclass
class EditorForms:
    """The editor's forms. A list of at most EDITOR_INLINE_MAX_ROWS rows has a form per row; a
    longer one ("collapsed") has forms only for its open rows, the others are shown as text."""

    meta: ArticleMetaForm
    sections: list[tuple[Section, SectionForm | None]]
    citations: list[tuple[Citation, CitationForm | None]]
    new_section: NewSectionForm
    new_citation: NewCitationForm
    new_source: NewSourceForm
    sections_collapsed: bool = False
    citations_collapsed: bool = False

    @classmethod
    def build(
        cls, article: Article, data: QueryDict | None = None, *, open_rows: Collection[str] = ()
    ) -> EditorForms:
        """Forms for the article, bound to `data` when given (a POST). In a collapsed list the
        rows with a form are those in `open_rows` ("s12", "c7") and those `data` carries."""
        posted = _posted_prefixes(data)
        wanted = posted | set(open_rows)
        limit = settings.EDITOR_INLINE_MAX_ROWS
        sections, citations = list(article.sections.all()), list(article.citations.all())
        sections_collapsed, citations_collapsed = len(sections) > limit, len(citations) > limit
        return cls(
            meta=ArticleMetaForm(data, initial=_meta_initial(article)),
            sections=[
                (s, _section_form(s, data, posted))
                if not sections_collapsed or f"s{s.pk}" in wanted
                else (s, None)
                for s in sections
            ],
            citations=[
                (c, _citation_form(c, data, posted))
                if not citations_collapsed or f"c{c.pk}" in wanted
                else (c, None)
                for c in citations
            ],
            new_section=NewSectionForm(data, prefix="ns"),
            new_citation=NewCitationForm(data, prefix="nc"),
            new_source=NewSourceForm(data, prefix="src"),
            sections_collapsed=sections_collapsed,
            citations_collapsed=citations_collapsed,
        )

    def _row_forms(self) -> list[SectionForm | CitationForm]:
        rows = [*self.sections, *self.citations]
        return [form for _, form in rows if form is not None]

    def is_content_valid(self) -> bool:
        forms = [self.meta, *self._row_forms()]
        # a list, not a generator: every bound form runs and shows its errors
        return all([form.is_valid() for form in forms if form.is_bound])

    def content_data(self) -> dict[str, Any]:
        """What article_update needs, from valid forms: the rows the page carried."""
        meta = self.meta.cleaned_data
        return {
            "title": meta["title"],
            "summary": meta["summary"],
            "plain_summary": meta["plain_summary"],
            "specialty": meta["specialty"],
            "risk": meta["risk"],
            "sections": {
                s.pk: {k: v for k, v in f.cleaned_data.items() if k != "audience" or v}
                for s, f in self.sections
                if f is not None and f.is_bound
            },
            "citations": {
                c.pk: f.cleaned_data for c, f in self.citations if f is not None and f.is_bound
            },
        }

    def open_row(self) -> tuple[str, int] | None:
        """The first row of a collapsed list that has a form ("section"/"citation", id)."""
        for name, rows, collapsed in (
            ("section", self.sections, self.sections_collapsed),
            ("citation", self.citations, self.citations_collapsed),
        ):
            if collapsed:
                for row, form in rows:
                    if form is not None:
                        return name, row.pk
        return None


def _meta_initial(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        "specialty": article.specialty_id,
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
    }


def _section_form(s: Section, data: QueryDict | None, posted: set[str]) -> SectionForm:
    prefix = f"s{s.pk}"
    initial = {"kind": s.kind, "audience": s.audience, "heading": s.heading, "body": s.body}
    return SectionForm(data if prefix in posted else None, prefix=prefix, initial=initial)


def _citation_form(c: Citation, data: QueryDict | None, posted: set[str]) -> CitationForm:
    prefix = f"c{c.pk}"
    initial = {"locator": c.locator, "cited_version": c.cited_version}
    return CitationForm(data if prefix in posted else None, prefix=prefix, initial=initial)


def _posted_prefixes(data: QueryDict | None) -> set[str]:
    """The row prefixes ("s12", "c7") a POST carries. A row's form is bound only when the POST
    carries it: a section added in another tab since the page was loaded keeps its saved text
    instead of being blanked, and a collapsed row stays as saved."""
    if data is None:
        return set()
    return {key.partition("-")[0] for key in data if "-" in key}


def _raw(form: forms.Form | None, name: str, default: str) -> str:
    if form is None or not form.is_bound:
        return default
    return form.data.get(form.add_prefix(name), default)


def _cached(queryset: QuerySet, rows: list) -> QuerySet:
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # private, not in the stubs
    return queryset


def _typed_row(row: Any, form: forms.Form | None, names: tuple[str, ...]) -> Any:
    if form is None or not form.is_bound:
        return row
    typed = copy.copy(row)
    for name in names:
        setattr(typed, name, _raw(form, name, getattr(row, name)))
    return typed


def draft_article(article: Article, forms: EditorForms) -> Article:
    """An unsaved copy of the article holding what the author typed (for checks, previews)."""
    draft = copy.copy(article)
    draft.title = _raw(forms.meta, "title", article.title)
    draft.summary = _raw(forms.meta, "summary", article.summary)
    # only the rows the page carried are copied: a collapsed row is as saved
    sections = [
        _typed_row(section, form, ("kind", "heading", "body")) for section, form in forms.sections
    ]
    cites = [
        _typed_row(citation, form, ("locator", "cited_version"))
        for citation, form in forms.citations
    ]
    # check_article and submission_problems read article.sections/citations.all(): hand them
    # the typed rows as a prefetch cache so they run no query and see unsaved text.
    draft._prefetched_objects_cache = {  # type: ignore[attr-defined]  # private, not in the stubs
        "sections": _cached(Section.objects.all(), sections),
        "citations": _cached(Citation.objects.all(), cites),
    }
    return draft


@dataclass
class Checks:
    problems: list[dict] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)  # why submission is refused
    previews: dict[int, str] = field(default_factory=dict)  # section id -> safe HTML
    # how the citations would read, in order of first use, when that is not 1, 2, 3
    reading_order: str = ""
    # the registries' latest word on cited sources that disagrees (mismatch, retraction, none)
    findings: list[RegistryFinding] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p["severity"] == "error")

    @property
    def warning_count(self) -> int:
        return len(self.problems) - self.error_count

    @property
    def can_submit(self) -> bool:
        return not self.blockers and not self.error_count


def run_checks(draft: Article, *, previews_for: Collection[int] | None = None) -> Checks:
    """The citation check and the submission rules on the (possibly unsaved) draft, with the
    previews of the sections `previews_for` (default: all)."""
    sections = list(draft.sections.all())
    citations = list(draft.citations.all())
    anchors = {c.number: f"citation-{c.pk}" for c in citations}
    problems = []
    for p in citation_checks.check_article(draft):
        place, focus = "", ""
        if p.section_id is not None:
            place, focus = f"section-{p.section_id}", f"id_s{p.section_id}-body"
        elif p.citation_number in anchors:
            place = anchors[p.citation_number]
        problems.append(
            {
                "severity": p.severity,
                "code": p.code,
                "message": p.message,
                "href": f"#{place}" if place else "",
                "focus": focus,
                "position": p.position,
            }
        )
    listed = {p["message"] for p in problems}
    reading_order = ""
    if any(p["code"] == "citation-order" for p in problems):
        used = citation_checks.first_use_order(parse_markers(s.body) for s in sections)
        reading_order = ", ".join(f"[{n}]" for n in used)
    return Checks(
        reading_order=reading_order,
        problems=problems,
        # the submission rules may repeat the check's errors: those are already listed
        blockers=[b for b in submission_problems(draft) if b not in listed],
        previews={
            s.pk: render_markdown(s.body, anchors)
            for s in sections
            if previews_for is None or s.pk in previews_for
        },
        findings=[f for f in finding_list_for_article(draft) if f.is_problem] if draft.pk else [],
    )
