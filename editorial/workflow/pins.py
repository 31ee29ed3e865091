"""Pins follow the board: when a stale article goes back to the board after a source changed,
its citations of that source are pinned to the source's current version before anyone signs, so
the re-approval covers (and the page then shows) the version the board reviewed, and the
"superseded version" warning goes."""

from __future__ import annotations

from articles.models import Article, Citation
from editorial.access.roles import AnyUser
from editorial.audit.attribution import save_attributed
from editorial.models import FlagKind, StalenessFlag


def citations_repin_flagged(article: Article, *, actor: AnyUser) -> list[Citation]:
    """Re-pin the article's citations of the sources its open flags name (2 queries + saves)."""
    flagged = StalenessFlag.objects.filter(
        article=article, resolved_at__isnull=True, kind=FlagKind.SOURCE, source__isnull=False
    ).values("source_id")
    repinned = []
    for citation in Citation.objects.filter(article=article, source_id__in=flagged).select_related(
        "source"
    ):
        current = citation.source.current_version
        if current and citation.cited_version != current:
            was = citation.cited_version or "unpinned"
            citation.cited_version = current
            save_attributed(
                citation,
                actor=actor,
                reason=f"re-pinned {was} → {current} for the board's re-review",
            )
            repinned.append(citation)
    return repinned
