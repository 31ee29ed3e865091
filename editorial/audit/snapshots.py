"""Published content must be signed content: an approved snapshot whose hash no valid approval
signature of its round covers was changed outside the workflow (a queryset update, a shell).

The rule lives here, once (`covering_round`): the article page and the reviewers it names, the
index and search cards, the API's published view (editorial.public) serve such a snapshot as
pending; `verify_audit` and the nightly verification name it (`unsigned_snapshots`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from articles.models import Article
from articles.snapshot import snapshot_hash
from reviewers.models import Decision, ReviewAssignment

CHUNK = 1000
SIGNED_APPROVALS = "signed_approvals"  # the annotation approvals_annotate adds


@dataclass(frozen=True)
class SignedApproval:
    """One approving decision as the rule reads it."""

    round: int
    content_sha256: str
    # decided by the time the article was approved: the round of a snapshot that does not
    # record its own is the latest approved by then
    by_approval: bool


def covering_round(
    snapshot: dict[str, Any], approvals: Iterable[SignedApproval], *, content_hash: str = ""
) -> int | None:
    """The review round whose signed approvals cover this published snapshot's content (the
    snapshot's own round; for one that records none, the latest round approved by the time of
    approval), or None: no valid signature covers it, so it is not served as reviewed.
    `content_hash`: the snapshot's, when the caller has it already."""
    content_hash = content_hash or snapshot_hash(snapshot)
    signed = [a for a in approvals if a.content_sha256 == content_hash]
    round_ = snapshot.get("review_round")
    if round_ is None:
        round_ = max((a.round for a in signed if a.by_approval), default=None)
    return round_ if any(a.round == round_ for a in signed) else None


def signed_approval(
    round_: int, content_sha256: str | None, decided_at: datetime | None, approved_at
) -> SignedApproval:
    """A SignedApproval from an approval's round, signed hash and time, and the article's
    approval time."""
    by_approval = bool(approved_at and decided_at and decided_at <= approved_at)
    return SignedApproval(round_, content_sha256 or "", by_approval)


class _Joined(Aggregate):
    """Text values joined with ";" (STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ';')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def approvals_annotate(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Each article with its approving decisions as one text column (round:hash:by_approval;
    …), in the article's own query: a listing checks every card's snapshot without one more
    query per article, or even one more query (read it back with approvals_of)."""
    one = Concat(
        Cast("round", CharField()),
        Value(":"),
        Coalesce("signature__content_sha256", Value("")),
        Value(":"),
        Case(When(decided_at__lte=OuterRef("approved_at"), then=Value("1")), default=Value("0")),
        output_field=TextField(),
    )
    joined = (
        ReviewAssignment.objects.filter(article=OuterRef("pk"), decision=Decision.APPROVED)
        .order_by()
        .values("article")
        .annotate(joined=_Joined(one))
        .values("joined")
    )
    return articles.annotate(**{SIGNED_APPROVALS: Subquery(joined, output_field=TextField())})


def approvals_of(article: Article) -> list[SignedApproval]:
    """The approvals approvals_annotate put on the article."""
    text = getattr(article, SIGNED_APPROVALS, None) or ""
    found = []
    for item in text.split(";"):
        round_, _, rest = item.partition(":")
        content_hash, _, by_approval = rest.partition(":")
        if round_.isdigit():
            found.append(SignedApproval(int(round_), content_hash, by_approval == "1"))
    return found


def is_signed(article: Article) -> bool:
    """Whether the article's published snapshot is covered (approvals_annotate'd article)."""
    snapshot = article.approved_snapshot
    return snapshot is not None and covering_round(snapshot, approvals_of(article)) is not None


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


def unsigned_snapshots(article_ids: Iterable[int] | None = None) -> list[UnsignedSnapshot]:
    """Every published snapshot (of the given articles) no signed approval covers (1 query,
    streamed CHUNK rows at a time)."""
    rows = Article.objects.filter(approved_snapshot__isnull=False).order_by("pk")
    if article_ids is not None:
        rows = rows.filter(pk__in=list(article_ids))
    rows = approvals_annotate(rows.only("pk", "slug", "approved_snapshot", "approved_at"))
    return [
        UnsignedSnapshot(article.pk, article.slug, snapshot_hash(article.approved_snapshot or {}))
        for article in rows.iterator(CHUNK)
        if not is_signed(article)
    ]
