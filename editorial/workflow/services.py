"""The write path for review state. Admin, views, tasks and commands call these functions;
nothing else fires an Article transition or writes an assignment decision.

Each function: lock and re-read the article -> check permission and rules -> transition ->
save with history user and reason, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.content import article_content
from articles.models import Article, Status
from articles.review_intervals import review_interval_days
from articles.snapshot import snapshot_hash, snapshot_of
from editorial.access.roles import AnyUser
from editorial.audit.attribution import history_user, save_attributed
from editorial.notify import hooks as notifications
from editorial.outbox import outbox_enqueue_many
from editorial.public.search import search_document_store
from editorial.public.tasks import prerender_article
from editorial.webhooks import article_state_event, subscribed_in
from editorial.workflow import permissions as perms
from editorial.workflow.checklist import checklist_clean, checklist_problems
from editorial.workflow.conflict_check import ensure_no_conflict
from editorial.workflow.flags import flags_close_on_approval
from editorial.workflow.guards import require_status as _require_status
from editorial.workflow.guards import require_transition
from editorial.workflow.locks import assignable_members, lock_round_rows, lock_with_hints
from editorial.workflow.quorum import quorum_state
from editorial.workflow.rounds import round_close
from editorial.workflow.signatures import signature_meaning, snapshot_cites_label
from editorial.workflow.submission import submission_check
from reviewers.conflicts import (
    disclosures_from_json,
    issuers_from_json,
    issuers_of,
    member_conflicts,
)
from reviewers.models import BoardMember, Decision, ReviewAssignment, Signature, Specialty

DECISIONS = (Decision.APPROVED, Decision.CHANGES_REQUESTED, Decision.DECLINED)


def article_submit(*, article: Article, actor: AnyUser) -> Article:
    """Send a draft (or a revised article) to the board."""
    with transaction.atomic():
        article = lock_with_hints(article)
        perms.ensure(perms.can_submit(article, actor), "Only the author or an editor can submit.")
        require_transition(article, article.submit, "submit")
        problems, warnings = submission_check(article)
        if problems:
            raise ValidationError(problems)
        resubmission = article.status == Status.CHANGES_REQUESTED
        article.submit()
        reason = "resubmitted after changes" if resubmission else "submitted for review"
        # the citation check's result goes into the audit trail with the submission
        checked = "citation check passed" + (
            f" with {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        )
        save_attributed(
            article, actor=actor, reason=f"{reason} (round {article.review_round}); {checked}"
        )
        article_state_event(article, subscribed=subscribed_in(article))
        search_document_store(article)  # a first review is listed while pending
    return article


def review_assign(
    *,
    article: Article,
    reviewers: Sequence[BoardMember],
    actor: AnyUser,
    due_at: datetime | None = None,
) -> list[ReviewAssignment]:
    """Assign board members to the current round; starts the review of a submitted article."""
    with transaction.atomic():
        article = lock_with_hints(article)
        perms.ensure(perms.can_assign(article, actor), "Only an editor can assign reviewers.")
        _require_status(article, (Status.SUBMITTED, Status.UNDER_REVIEW), "assign reviewers")
        members = _assignable(article, reviewers)
        due_at = due_at or timezone.now() + timedelta(days=settings.REVIEW_DUE_DAYS)
        starting = article.status == Status.SUBMITTED
        round_ = article.review_round
        by = history_user(actor)
        assignments = [
            ReviewAssignment(
                article=article, reviewer=m, round=round_, assigned_by=by, due_at=due_at
            )
            for m in members
        ]
        names = ", ".join(str(m) for m in members)
        bulk_create_with_history(
            assignments,
            ReviewAssignment,
            default_user=actor,
            default_change_reason=f"assigned for review round {round_}"[:100],
        )
        if starting:
            article.assign()
            save_attributed(article, actor=actor, reason=f"review started: assigned to {names}")
            article_state_event(article, subscribed=subscribed_in(article))
        notifications.on_assigned(article)
    return assignments


def _assignable(article: Article, reviewers: Sequence[BoardMember]) -> Sequence[BoardMember]:
    # Whether each member already reviews this round, their current disclosures and the
    # article's cited issuers (the conflict check): subqueries of the members' query, not three
    # more round trips. A statement after the article lock: what an author or a member wrote
    # before it is seen.
    members = assignable_members(article, sorted({m.pk for m in reviewers}))
    if not members:
        raise ValidationError("Choose at least one board member to review the article.")
    issuers = issuers_from_json(members[0].issuers_json)
    for member in members:
        disclosures_from_json(member, member.disclosures_json)
    errors = []
    already = {m.pk for m in members if m.is_assigned}
    for member in members:
        if member.user_id == article.author_id:
            errors.append(f"{member} wrote this article and cannot review it.")
        elif not member.active:
            errors.append(f"{member} is not an active board member.")
        elif member.pk in already:
            errors.append(f"{member} is already assigned to this review round.")
        else:
            errors += [f"{conflict}." for conflict in member_conflicts(member, issuers)]
    if errors:
        raise ValidationError(errors)
    return members


def review_decide(
    *,
    assignment: ReviewAssignment,
    decision: str,
    actor: AnyUser,
    comment: str = "",
    checklist: dict | None = None,
    change_summary: str = "",
) -> ReviewAssignment:
    """Record and sign a board member's decision; fires approve or request_changes when it
    settles the round. Concurrent deciders serialise on the article row lock: one transition,
    every decision kept. The admin form re-authenticates the signer before calling this. An
    approval may carry `change_summary`: what changed since the last approved version, for
    readers (the article's "Changes" list)."""
    comment = _decision_comment(decision, comment)
    with transaction.atomic():
        article = lock_with_hints(assignment.article)
        locked, open_flags = _lock_round(article, assignment)
        assignment = locked[assignment.pk]
        perms.ensure(perms.can_decide(assignment, actor), "Only the assigned reviewer can decide.")
        _check_decidable(article, assignment)
        sections, citations = article_content(article)
        if decision == Decision.APPROVED:
            # the disclosures the round's lock read, against the issuers of what is signed
            ensure_no_conflict(assignment.reviewer, issuers_of(c.source for c in citations))
        snapshot = snapshot_of(article, sections, citations)
        cites_label = snapshot_cites_label(snapshot)
        content_hash = snapshot_hash(snapshot)
        assignment.decision = decision
        assignment.comment = comment
        if decision == Decision.APPROVED:
            assignment.change_summary = " ".join((change_summary or "").split())[:2000]
        assignment.decided_at = timezone.now()
        assignment.signature = _signature(assignment, content_hash, cites_label, checklist)
        round_assignments = [
            a
            for a in locked.values()
            if a.article_id == article.pk and a.round == article.review_round
        ]
        state = quorum_state(
            article, round_assignments, content_hash=content_hash, cites_label=cites_label
        )
        reason = _decision_reason(assignment, state.approvals, state.required)
        save_attributed(assignment, actor=actor, reason=reason)
        assignment.signature.save()
        owed = []
        if article.status == Status.UNDER_REVIEW:
            settle = _Settle(decision, state.is_met, snapshot, reason, open_flags)
            owed = _settle_round(article, settle, round_assignments, actor)
        # what the decision owes (the notices; the approval's pre-render): one outbox INSERT
        owed += notifications.decided_owed(
            assignment, article, approvals=state.approvals, required=state.required
        )
        outbox_enqueue_many(owed)
    assignment.article = article
    return assignment


def _decision_comment(decision: str, comment: str) -> str:
    """The comment, stripped; ValidationError for an unknown decision or a missing why."""
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise ValidationError(
            f"Unknown decision {decision!r}: approve, request changes or decline."
        )
    if decision in (Decision.CHANGES_REQUESTED, Decision.DECLINED) and not comment:
        what = "what needs to change" if decision == Decision.CHANGES_REQUESTED else "why"
        raise ValidationError(f"Please add a comment saying {what}.")
    return comment


@dataclass(frozen=True)
class _Settle:
    """What settles a round: the decision, whether the quorum is met, the signed snapshot, the
    history reason, and whether the article has open flags (read with the round's lock)."""

    decision: str
    quorum_met: bool
    snapshot: dict
    reason: str
    open_flags: bool


def _settle_round(
    article: Article,
    settle: _Settle,
    round_assignments: list[ReviewAssignment],
    actor: AnyUser,
) -> list[tuple[str, tuple]]:
    """Fire the transition a decision settles: changes requested, or approval at quorum.
    Returns what it owes besides (the approval's pre-render) for the caller's outbox INSERT."""
    subscribed = subscribed_in(article)
    if settle.decision == Decision.CHANGES_REQUESTED:
        article.request_changes()
        save_attributed(article, actor=actor, reason=settle.reason)
        article_state_event(article, subscribed=subscribed)
    elif settle.decision == Decision.APPROVED and settle.quorum_met:
        article.approve(snapshot=settle.snapshot, interval_days=_interval_days(article))
        save_attributed(article, actor=actor, reason=settle.reason)
        round_close(article, round_assignments, actor=actor)
        flags_close_on_approval(article, actor=actor, any_open=settle.open_flags)
        article_state_event(article, subscribed=subscribed)
        search_document_store(article)  # readers find the approved wording
        # The public body is rendered by a worker once the approval is committed (an outbox
        # row in the approval's transaction): a rolled-back approval renders nothing, and the
        # review transaction does no Markdown work. Pages render on the fly until then.
        return [(prerender_article.name, (article.pk,))]
    return []


def _lock_round(
    article: Article, assignment: ReviewAssignment
) -> tuple[dict[int, ReviewAssignment], bool]:
    """One query locks this assignment and the rest of the current round (quorum reads them),
    with each reviewer's current disclosures (the conflict check; on `reviewer`) and whether the
    article has open flags (a statement after the article lock: see open_flags_exist)."""
    rows = lock_round_rows(article, assignment)
    locked: dict[int, ReviewAssignment] = {a.pk: a for a in rows}
    if assignment.pk not in locked:
        raise ReviewAssignment.DoesNotExist("ReviewAssignment matching query does not exist.")
    for row in rows:
        disclosures_from_json(row.reviewer, row.disclosures_json)
    return locked, any(row.open_flags for row in rows)


def _interval_days(article: Article) -> int:
    if article.specialty_id is None:
        return review_interval_days(article.risk)
    slug = Specialty.objects.filter(pk=article.specialty_id).values_list("slug", flat=True)
    return review_interval_days(article.risk, slug.first())


def _signature(
    assignment: ReviewAssignment, content_hash: str, cites_label: bool, checklist: dict | None
) -> Signature:
    """The signed record (printed name, credentials, time, meaning, content hash)."""
    is_approval = assignment.decision == Decision.APPROVED
    if checklist is not None:
        problems = checklist_problems(checklist, is_approval=is_approval, cites_label=cites_label)
        if problems:
            raise ValidationError(problems)
        # The checklist is what an approval vouches for; other decisions carry their comment.
        checklist = checklist_clean(checklist, cites_label=cites_label) if is_approval else None
    member = assignment.reviewer
    assert assignment.decided_at is not None  # the decision's time, set before signing
    return Signature(
        assignment=assignment,
        signer=member.user,
        printed_name=member.printed_name,
        credentials=member.credentials,
        signed_at=assignment.decided_at,
        meaning=signature_meaning(member, assignment.decision, cites_label=cites_label),
        content_sha256=content_hash,
        checklist=checklist,
    )


def _check_decidable(article: Article, assignment: ReviewAssignment) -> None:
    if assignment.decision == Decision.SUPERSEDED:
        raise ValidationError(
            "This review is no longer needed: the board approved the article before you"
            " decided, which closed the round."
        )
    if assignment.decision != Decision.PENDING:
        raise ValidationError(
            f"You already decided this review ({assignment.get_decision_display().lower()})."
        )
    if assignment.round != article.review_round:
        raise ValidationError("This review round is closed; the article was sent back since.")
    decidable = (Status.UNDER_REVIEW, Status.APPROVED, Status.CHANGES_REQUESTED)
    if article.status not in decidable:
        raise ValidationError(
            f"The article is no longer under review ({article.get_status_display().lower()})."
        )


def _decision_reason(assignment: ReviewAssignment, approvals: int, required: int) -> str:
    member = assignment.reviewer
    if assignment.decision == Decision.APPROVED:
        return f"approved by {member} ({approvals} of {required})"
    if assignment.decision == Decision.CHANGES_REQUESTED:
        return f"changes requested by {member}"
    return f"declined by {member}"
