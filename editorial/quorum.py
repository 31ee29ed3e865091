"""When a review round is complete. Settings hold the numbers (REVIEW_QUORUM)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from articles.models import Article
from reviewers.models import Decision, ReviewAssignment


@dataclass(frozen=True)
class QuorumState:
    required: int
    approvals: int
    changes_requested: bool

    @property
    def is_met(self) -> bool:
        return not self.changes_requested and self.approvals >= self.required


def quorum_required(article: Article) -> int:
    return settings.REVIEW_QUORUM.get(article.risk, settings.REVIEW_QUORUM["standard"])


def quorum_state(article: Article, round_assignments: Iterable[ReviewAssignment]) -> QuorumState:
    """Count this round's decisions against the quorum for the article's risk."""
    decisions = [a.decision for a in round_assignments if a.round == article.review_round]
    return QuorumState(
        required=quorum_required(article),
        approvals=decisions.count(Decision.APPROVED),
        changes_requested=Decision.CHANGES_REQUESTED in decisions,
    )
