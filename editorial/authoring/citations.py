"""Writes for citations: renumber an article's citations in order of first use."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.citations import renumber_mapping
from articles.markers import cited_numbers, replace_markers
from articles.models import Article, Citation, Section
from editorial.access.roles import AnyUser
from editorial.audit.attribution import save_attributed
from editorial.workflow import permissions as perms


def _refuse_ambiguous(sections: list[Section], citations: list[Citation]) -> None:
    """Renumbering needs every marker to point at exactly one citation."""
    counts = Counter(c.number for c in citations)
    duplicated = sorted(n for n, count in counts.items() if count > 1)
    unknown = sorted({n for s in sections for n in cited_numbers(s.body)} - set(counts))
    errors = []
    if duplicated:
        listed = ", ".join(f"[{n}]" for n in duplicated)
        errors.append(f"Several citations share the number {listed}; give each its own first.")
    if unknown:
        listed = ", ".join(f"[{n}]" for n in unknown)
        errors.append(f"The text cites {listed} but no citation has that number; fix it first.")
    if errors:
        raise ValidationError(errors)


def citations_renumber(*, article: Article, actor: AnyUser) -> Article:
    """Number citations in order of first use and rewrite every marker to match, in one
    transaction with history. Raises PermissionDenied, ValidationError."""
    with transaction.atomic():
        article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
        perms.ensure(
            perms.can_edit(article, actor), "Only the author or an editor can renumber citations."
        )
        if not article.is_editable:
            raise ValidationError(
                "Cannot renumber citations: the article is "
                f"{article.get_status_display().lower()}; only drafts and articles with "
                "changes requested can be edited."
            )
        sections = list(article.sections.order_by("position", "pk"))
        citations = list(article.citations.select_related("source").order_by("number", "pk"))
        _refuse_ambiguous(sections, citations)
        mapping = renumber_mapping(sections, citations)
        moved = {old: new for old, new in mapping.items() if old != new}
        if not moved:
            return article
        summary = ", ".join(f"[{old}]\u2192[{new}]" for old, new in sorted(moved.items()))
        for citation in citations:
            if citation.number in moved:
                old = citation.number
                citation.number = moved[old]
                save_attributed(
                    citation, actor=actor, reason=f"renumbered [{old}] to [{citation.number}]"
                )
        for section in sections:
            body = replace_markers(section.body, moved)
            if body != section.body:
                section.body = body
                save_attributed(section, actor=actor, reason="citation markers renumbered")
        save_attributed(article, actor=actor, reason=f"citations renumbered: {summary}")
    return article
