"""The editor page's pieces: its forms, the unsaved draft they describe, and its checks."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

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
    meta: ArticleMetaForm
    sections: list[tuple[Section, SectionForm]]
    citations: list[tuple[Citation, CitationForm]]
    new_section: NewSectionForm
    new_citation: NewCitationForm
    new_source: NewSourceForm

    @classmethod
    def build(cls, article: Article, data: QueryDict | None = None) -> EditorForms:
        """Forms for every part of the article; bound to `data` when given (a POST)."""
        initial = {
            "title": article.title,
            "summary": article.summary,
            "plain_summary": article.plain_summary,
            "specialty": article.specialty_id,
            "risk": article.risk,
            "version": article.updated_at.isoformat(),
        }
        sections = [
            (
                s,
                SectionForm(
                    _bound(data, f"s{s.pk}"),
                    prefix=f"s{s.pk}",
                    initial={
                        "kind": s.kind,
                        "audience": s.audience,
                        "heading": s.heading,
                        "body": s.body,
                    },
                ),
            )
            for s in article.sections.all()
        ]
        citations = [
            (
                c,
                CitationForm(
                    _bound(data, f"c{c.pk}"),
                    prefix=f"c{c.pk}",
                    initial={"locator": c.locator, "cited_version": c.cited_version},
                ),
            )
            for c in article.citations.all()
        ]
        return cls(
            meta=ArticleMetaForm(data, initial=initial),
            sections=sections,
            citations=citations,
            new_section=NewSectionForm(data, prefix="ns"),
            new_citation=NewCitationForm(data, prefix="nc"),
            new_source=NewSourceForm(data, prefix="src"),
        )

    def is_content_valid(self) -> bool:
        forms = [self.meta, *(f for _, f in self.sections), *(f for _, f in self.citations)]
        # a list, not a generator: every bound form runs and shows its errors
        return all([form.is_valid() for form in forms if form.is_bound])

    def content_data(self) -> dict[str, Any]:
        """What article_update needs, from valid forms."""
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
                if f.is_bound
            },
            "citations": {c.pk: f.cleaned_data for c, f in self.citations if f.is_bound},
        }


def _bound(data: QueryDict | None, prefix: str) -> QueryDict | None:
    """Bind a row's form only when the POST carries it: a section added in another tab since
    the page was loaded keeps its saved text instead of being blanked."""
    if data is None or not any(key.startswith(f"{prefix}-") for key in data):
        return None
    return data


def _raw(form, name: str, default: str) -> str:
    if not form.is_bound:
        return default
    return form.data.get(form.add_prefix(name), default)


def _cached(queryset: QuerySet, rows: list) -> QuerySet:
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # private, not in the stubs
    return queryset


def draft_article(article: Article, forms: EditorForms) -> Article:
    """An unsaved copy of the article holding what the author typed (for checks, previews)."""
    draft = copy.copy(article)
    draft.title = _raw(forms.meta, "title", article.title)
    draft.summary = _raw(forms.meta, "summary", article.summary)
    sections = []
    for section, form in forms.sections:
        s = copy.copy(section)
        s.kind = _raw(form, "kind", section.kind)
        s.heading = _raw(form, "heading", section.heading)
        s.body = _raw(form, "body", section.body)
        sections.append(s)
    cites = []
    for citation, citation_form in forms.citations:
        c = copy.copy(citation)
        c.locator = _raw(citation_form, "locator", citation.locator)
        c.cited_version = _raw(citation_form, "cited_version", citation.cited_version)
        cites.append(c)
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


def run_checks(draft: Article) -> Checks:
    """The citation check and the submission rules on the (possibly unsaved) draft."""
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
        previews={s.pk: render_markdown(s.body, anchors) for s in sections},
        findings=[f for f in finding_list_for_article(draft) if f.is_problem] if draft.pk else [],
    )
