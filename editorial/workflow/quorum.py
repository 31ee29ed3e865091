"""When a review round is complete. Settings hold the rules:

- `REVIEW_QUORUM[risk]` physician (MD/DO) approvals (default standard 1, high 2);
- plus one pharmacist (PharmD) approval when the article cites a drug label and
  `REVIEW_PHARMACIST_FOR_LABELS` is on;
- and no assignment of the round asked for changes.

Only valid approvals count: signed over the article's current content
(editorial.workflow.signatures).
A member holding both a physician and a pharmacist credential counts once: as a physician
while physicians are missing, otherwise as the pharmacist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from articles.models import Article
from articles.snapshot import article_snapshot, snapshot_hash
from editorial.workflow.signatures import approval_is_valid, snapshot_cites_label
from reviewers.models import BoardMember, Decision, ReviewAssignment


@dataclass(frozen=True)
class QuorumState:
    physicians_required: int
    physician_approvals: int
    pharmacist_required: bool
    has_pharmacist_approval: bool
    changes_requested: bool

    @property
    def required(self) -> int:
        """Approvals the round needs in all (physicians + the pharmacist, if any)."""
        return self.physicians_required + int(self.pharmacist_required)

    @property
    def approvals(self) -> int:
        """Approvals that count towards `required` (extra physicians are not counted)."""
        physicians = min(self.physician_approvals, self.physicians_required)
        return physicians + int(self.pharmacist_required and self.has_pharmacist_approval)

    @property
    def is_met(self) -> bool:
        return not self.changes_requested and not self.missing

    @property
    def missing(self) -> list[str]:
        """What the round still needs, as phrases for the admin panel."""
        missing = []
        short = self.physicians_required - self.physician_approvals
        if short > 0:
            noun = "approval" if short == 1 else "approvals"
            missing.append(f"{short} more physician {noun}")
        if self.pharmacist_required and not self.has_pharmacist_approval:
            missing.append("a pharmacist approval")
        return missing


def physicians_required(article: Article) -> int:
    return settings.REVIEW_QUORUM.get(article.risk, settings.REVIEW_QUORUM["standard"])


def pharmacist_required(cites_label: bool) -> bool:
    return cites_label and settings.REVIEW_PHARMACIST_FOR_LABELS


def quorum_state(
    article: Article,
    round_assignments: Iterable[ReviewAssignment],
    *,
    content_hash: str | None = None,
    cites_label: bool | None = None,
) -> QuorumState:
    """This round's valid decisions against the rules for the article (1 query unless
    content_hash and cites_label are given; assignments need reviewer and signature loaded)."""
    if content_hash is None or cites_label is None:
        snapshot = article_snapshot(article)
        content_hash = snapshot_hash(snapshot)
        cites_label = snapshot_cites_label(snapshot)
    in_round = [a for a in round_assignments if a.round == article.review_round]
    approvers = [a.reviewer for a in in_round if approval_is_valid(a, content_hash)]
    needed = physicians_required(article)
    physicians, has_pharmacist = _count_roles(approvers, needed)
    return QuorumState(
        physicians_required=needed,
        physician_approvals=physicians,
        pharmacist_required=pharmacist_required(cites_label),
        has_pharmacist_approval=has_pharmacist,
        changes_requested=any(a.decision == Decision.CHANGES_REQUESTED for a in in_round),
    )


def _count_roles(members: Iterable[BoardMember], physicians_needed: int) -> tuple[int, bool]:
    members = list(members)
    physicians = sum(1 for m in members if m.is_physician and not m.is_pharmacist)
    has_pharmacist = any(m.is_pharmacist and not m.is_physician for m in members)
    duals = sum(1 for m in members if m.is_physician and m.is_pharmacist)
    for _ in range(duals):
        if physicians < physicians_needed or has_pharmacist:
            physicians += 1
        else:
            has_pharmacist = True
    return physicians, has_pharmacist


def uncovered_roles(state: QuorumState, round_assignments: Iterable[ReviewAssignment]) -> list[str]:
    """Roles ("physician", "pharmacist") that neither an approval nor a pending review of the
    round covers: what the editor should assign next after a decline."""
    pending = [a.reviewer for a in round_assignments if a.decision == Decision.PENDING]
    pending_physicians, pending_pharmacist = _count_roles(pending, state.physicians_required)
    roles = []
    if state.physician_approvals + pending_physicians < state.physicians_required:
        roles.append("physician")
    if state.pharmacist_required and not (state.has_pharmacist_approval or pending_pharmacist):
        roles.append("pharmacist")
    return roles
