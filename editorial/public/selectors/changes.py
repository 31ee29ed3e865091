"""What changed and who approved it: every approved version of an article, for the "Changes"
list, and a previous approved version to read, marked superseded (issue 21)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from articles.models import Article
from editorial.public.selectors.directory import board_for_public
from reviewers.models import Decision, ReviewAssignment

FIRST = "First published."
NO_SUMMARY = "Re-approved by the board."


@dataclass(frozen=True)
class Approval:
    """One approving decision: (reviewer, round, when, the board's summary, signed hash)."""

    member_id: int
    round: int
    decided_at: datetime | None
    change_summary: str
    content_sha256: str


@dataclass(frozen=True)
class PublicChange:
    number: int  # 1 for the first approved version, in order of approval
    approved_at: datetime
    summary: str
    approvers: tuple[str, ...]  # "Name, credentials"
    is_current: bool


def article_approvals(article: Article) -> list[Approval]:
    """Every approving decision on the article, all rounds, with its signed hash (1 query)."""
    rows = (
        ReviewAssignment.objects.filter(article_id=article.pk, decision=Decision.APPROVED)
        .order_by("-round", "decided_at", "pk")
        .values_list(
            "reviewer_id", "round", "decided_at", "change_summary", "signature__content_sha256"
        )
    )
    return [Approval(m, r, d, s or "", h or "") for m, r, d, s, h in rows]


def approved_versions(article: Article) -> list[tuple[datetime, int]]:
    """(approved_at, round) of each approval of the article, oldest first (1 query: the
    history rows that carry an approval time)."""
    rows = (
        Article.history.filter(id=article.pk, approved_at__isnull=False)
        .order_by()
        .values_list("approved_at", "review_round")
        .distinct()
    )
    first_round: dict[datetime, int] = {}
    for approved_at, round_ in rows:
        first_round[approved_at] = min(round_, first_round.get(approved_at, round_))
    if article.approved_at and article.approved_at not in first_round:
        # rows written without history (bulk loads): the current approval still counts
        first_round[article.approved_at] = (article.approved_snapshot or {}).get(
            "review_round", article.review_round
        )
    return sorted(first_round.items())


def article_changes_for_public(
    article: Article, *, approvals: list[Approval]
) -> list[PublicChange]:
    """The article's approved versions, newest first: when, what changed (the approving
    reviewers' summary), who approved (1 query; names from the directory)."""
    versions = approved_versions(article)
    members = board_for_public(members=[a.member_id for a in approvals])
    changes = []
    for number, (approved_at, round_) in enumerate(versions, start=1):
        mine = _approvers_of(approvals, round_, approved_at)
        summary = next((a.change_summary for a in mine if a.change_summary), "")
        names = tuple(
            f"{members[a.member_id].name}, {members[a.member_id].credentials}"
            for a in mine
            if a.member_id in members
        )
        changes.append(
            PublicChange(
                number=number,
                approved_at=approved_at,
                summary=summary or (FIRST if number == 1 else NO_SUMMARY),
                approvers=names,
                is_current=approved_at == article.approved_at,
            )
        )
    return list(reversed(changes))


def _approvers_of(approvals: list[Approval], round_: int, approved_at: datetime) -> list:
    """The approvals that count for the version approved at `approved_at`: of its round, by
    then, and signed over the same content as the last one (the approval that completed the
    quorum signed the approved content; one signed over other content is void)."""
    by_then = [
        a
        for a in approvals
        if a.round == round_ and (a.decided_at is None or a.decided_at <= approved_at)
    ]
    if not by_then:
        return []
    last = max(by_then, key=lambda a: a.decided_at or approved_at)
    return [a for a in by_then if a.content_sha256 == last.content_sha256]


def superseded_snapshot(article: Article, number: int) -> tuple[dict[str, Any], datetime] | None:
    """The snapshot of the article's `number`-th approved version and its approval time, or
    None (unknown, or the current one: readers get the article page) (2 queries)."""
    versions = approved_versions(article)
    if not 1 <= number <= len(versions):
        return None
    approved_at, _ = versions[number - 1]
    if approved_at == article.approved_at:
        return None
    row = (
        Article.history.filter(id=article.pk, approved_at=approved_at)
        .exclude(approved_snapshot=None)
        .order_by("history_id")
        .values_list("approved_snapshot", flat=True)
        .first()
    )
    return (row, approved_at) if isinstance(row, dict) else None
