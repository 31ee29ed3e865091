"""Whole drafts in one call, for drafting pipelines (the API): an article with its sections and
citations created, or its content replaced, as one version in one transaction, under the same
input rules as the author UI (editorial.authoring.validation) and the same permission and state
checks (editorial.authoring.services). Errors name the field as `sections.2.body`; one bad field
and nothing is saved. The article row is saved before its children: a version's history row
precedes the rows it covers (editorial.authoring.versions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from articles.models import Article, Citation, Section, SectionKind, Source, SourceKind
from editorial.access.roles import AnyUser
from editorial.audit.attribution import delete_attributed, history_user, save_attributed
from editorial.authoring import services
from editorial.authoring.validation import clean_fields, source_values_normalize

IDENTIFIERS = ("doi", "pmid", "pmcid", "nct_id", "dailymed_setid", "isbn")


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {f"{prefix}.{name}": errors for name, errors in exc.message_dict.items()}
        )
    return ValidationError({prefix: exc.messages})


def _clean_sections(sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows, errors = [], {}
    for i, data in enumerate(sections):
        values = {k: data.get(k, "") for k in services.SECTION_FIELDS}
        values["kind"] = values["kind"] or SectionKind.OTHER
        try:
            if values["kind"] not in SectionKind.values:
                raise ValidationError({"kind": "Choose a valid section kind."})
            rows.append(clean_fields(Section, values))
        except ValidationError as exc:
            errors.update(_prefixed(exc, f"sections.{i}").message_dict)
    if errors:
        raise ValidationError(errors)
    return rows


def source_find_or_create(*, actor: AnyUser, data: Mapping[str, Any]) -> Source:
    """The library source with any of these identifiers in canonical form (or, for a
    guideline, the same kind, title and issuer), else a new one after the author UI's checks
    (source_create)."""
    data, _notes = source_values_normalize(data)  # canonical identifiers, or field errors
    match = Q()
    for name in IDENTIFIERS:
        if (data.get(name) or "").strip():
            match |= Q(**{f"{name}__iexact": data[name].strip()})
    if not match and data.get("kind") == SourceKind.GUIDELINE:
        match = Q(
            kind=SourceKind.GUIDELINE,
            title__iexact=(data.get("title") or "").strip(),
            issuer__iexact=(data.get("issuer") or "").strip(),
        )
    found = Source.objects.filter(match).order_by("pk").first() if match else None
    if found is not None:
        return found
    values = {**data, "current_version": data.get("version") or ""}
    return services.source_create(actor=actor, data=values)


def _citations(actor: AnyUser, citations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows, errors = [], {}
    for i, data in enumerate(citations):
        source_data = data.get("source") or {}
        try:
            values = clean_fields(Citation, {"locator": data.get("locator", "")})
            source = source_find_or_create(actor=actor, data=source_data)
        except ValidationError as exc:
            where = (
                f"citations.{i}"
                if "locator" in getattr(exc, "error_dict", {})
                else (f"citations.{i}.source")
            )
            errors.update(_prefixed(exc, where).message_dict)
            continue
        version = (source_data.get("version") or source.current_version)[:100]
        rows.append(
            {"number": data["number"], "source": source, **values, "cited_version": version}
        )
    if errors:
        raise ValidationError(errors)
    return rows


def _add_children(article: Article, actor: AnyUser, sections: list, citations: list) -> None:
    user = history_user(actor)
    bulk_create_with_history(
        [Section(article=article, position=i, **row) for i, row in enumerate(sections, 1)],
        Section,
        default_user=user,
        default_change_reason="section added",
    )
    bulk_create_with_history(
        [Citation(article=article, **row) for row in citations],
        Citation,
        default_user=user,
        default_change_reason="citation added",
    )


def draft_create(
    *,
    author: AnyUser,
    title: str,
    summary: str = "",
    risk: str = "standard",
    sections: Sequence[Mapping[str, Any]] = (),
    citations: Sequence[Mapping[str, Any]] = (),
) -> Article:
    """A new draft with its sections and citations (sources matched or added), one version."""
    section_rows = _clean_sections(sections)
    with transaction.atomic():
        article = services.article_create(author=author, title=title, summary=summary, risk=risk)
        citation_rows = _citations(author, citations)
        _add_children(article, author, section_rows, citation_rows)
    return article


def draft_replace(
    *,
    article: Article,
    actor: AnyUser,
    data: Mapping[str, Any],
    expected_updated_at: datetime | None,
) -> Article:
    """Revise a draft (or a changes-requested article): the given fields replace the current
    ones; `sections` and `citations`, when given, replace the whole lists. A stale
    `expected_updated_at` raises EditConflict and saves nothing."""
    section_rows = _clean_sections(data["sections"]) if "sections" in data else None
    meta = {k: data[k] for k in ("title", "summary") if k in data}
    cleaned = clean_fields(Article, meta, required=("title",))
    if "risk" in data:
        services._check_choice(data["risk"], ["standard", "high"], "risk", "risk level")
        cleaned["risk"] = data["risk"]
    with transaction.atomic():
        article = services._lock_for_edit(article, actor, expected_updated_at)
        citation_rows = _citations(actor, data["citations"]) if "citations" in data else None
        changed = services._apply(article, cleaned)
        old_sections = list(article.sections.order_by("position", "pk"))
        old_citations = list(article.citations.order_by("number", "pk"))
        if section_rows is not None and section_rows != [_values(s) for s in old_sections]:
            changed.append("sections")
        else:
            section_rows = None
        if citation_rows is not None and [_cited(r) for r in citation_rows] != [
            (c.number, c.source_id, c.locator, c.cited_version) for c in old_citations
        ]:
            changed.append("citations")
        else:
            citation_rows = None
        if not changed:
            return article
        save_attributed(article, actor=actor, reason=services._edit_reason(changed))
        for obj in (old_sections if section_rows is not None else []) + (
            old_citations if citation_rows is not None else []
        ):
            delete_attributed(obj, actor=actor, reason=f"{obj._meta.verbose_name} replaced")
        _add_children(article, actor, section_rows or [], citation_rows or [])
    return article


def _values(section: Section) -> dict[str, Any]:
    return {k: getattr(section, k) for k in services.SECTION_FIELDS}


def _cited(row: Mapping[str, Any]) -> tuple:
    return (row["number"], row["source"].pk, row["locator"], row["cited_version"])
