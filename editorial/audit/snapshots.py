"""Published content must be signed content: an approved snapshot whose hash no valid approval
signature of its round covers was changed outside the workflow (a queryset update, a shell).
Readers get it as pending (editorial.public); `verify_audit` names it (this module)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from articles.models import Article
from articles.snapshot import snapshot_hash
from reviewers.models import Decision, ReviewAssignment

CHUNK = 1000


@dataclass(frozen=True)
class UnsignedSnapshot:
    article_id: int
    slug: str
    content_hash: str

    def __str__(self) -> str:
        return (
            f"article {self.slug!r}: the published snapshot (sha256 {self.content_hash[:12]}…)"
            " is covered by no valid approval signature of its round"
        )


def _chunks(article_ids: Iterable[int] | None) -> Iterator[list[tuple]]:
    rows = Article.objects.filter(approved_snapshot__isnull=False).order_by("pk")
    if article_ids is not None:
        rows = rows.filter(pk__in=list(article_ids))
    chunk: list[tuple] = []
    for row in rows.values_list("pk", "slug", "approved_snapshot").iterator(CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def unsigned_snapshots(article_ids: Iterable[int] | None = None) -> list[UnsignedSnapshot]:
    """Every published snapshot (of the given articles) no signed approval covers (2 queries
    per 1,000 articles)."""
    found = []
    for chunk in _chunks(article_ids):
        signed = set(
            ReviewAssignment.objects.filter(
                article_id__in=[pk for pk, _, _ in chunk], decision=Decision.APPROVED
            ).values_list("article_id", "round", "signature__content_sha256")
        )
        any_round = {(pk, h) for pk, _, h in signed}
        for pk, slug, snapshot in chunk:
            content_hash = snapshot_hash(snapshot)
            round_ = snapshot.get("review_round")
            ok = (
                (pk, round_, content_hash) in signed
                if round_ is not None
                else (pk, content_hash) in any_round
            )
            if not ok:
                found.append(UnsignedSnapshot(pk, slug, content_hash))
    return found
