"""The state machine through the workflow services: guards, rules and history rows."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_fsm import TransitionNotAllowed

from articles.models import Article, Citation, Section
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user

pytestmark = pytest.mark.django_db


def latest_history(article):
    return article.history.order_by("-history_date", "-history_id").first()


def test_status_cannot_be_assigned_directly(draft):
    with pytest.raises(AttributeError):
        draft.status = "approved"


def test_model_transition_refuses_wrong_source_state(draft):
    with pytest.raises(TransitionNotAllowed):
        draft.approve()


def test_author_submits_draft_and_history_names_them(draft, author):
    article = workflow.article_submit(article=draft, actor=author)
    assert article.status == "submitted"
    assert article.submitted_at is not None
    assert article.review_round == 1
    row = latest_history(article)
    assert row.history_user == author
    assert row.history_change_reason == "submitted for review (round 1); citation check passed"


def test_submit_refuses_article_without_citation_and_changes_nothing(author):
    article = ArticleFactory(author=author)
    Citation.objects.filter(article=article).delete()
    with pytest.raises(ValidationError) as exc:
        workflow.article_submit(article=article, actor=author)
    assert "at least one citation" in " ".join(exc.value.messages)
    article.refresh_from_db()
    assert article.status == "draft"


def test_submit_refuses_marker_without_citation(author):
    article = ArticleFactory(author=author)
    Section.objects.filter(article=article).update(body="Dose is 5 mg [1, 4].")
    with pytest.raises(ValidationError) as exc:
        workflow.article_submit(article=article, actor=author)
    assert "[4]" in " ".join(exc.value.messages)


def test_submit_refuses_article_without_text(author):
    article = ArticleFactory(author=author)
    Section.objects.filter(article=article).update(body="   ")
    with pytest.raises(ValidationError):
        workflow.article_submit(article=article, actor=author)


def test_assign_starts_review_and_creates_assignments(editor, reviewer):
    article = ArticleFactory(submitted=True)
    assignments = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    article.refresh_from_db()
    assert article.status == "under_review"
    assert [a.reviewer for a in assignments] == [reviewer]
    assert assignments[0].due_at is not None and assignments[0].round == 1
    assert latest_history(article).history_change_reason.startswith("review started")
    assert assignments[0].history.first().history_user == editor


def test_assign_refuses_the_author_as_reviewer(editor):
    member = BoardMemberFactory()
    article = ArticleFactory(author=member.user, submitted=True)
    with pytest.raises(ValidationError, match="wrote this article"):
        workflow.review_assign(article=article, reviewers=[member], actor=editor)
    article.refresh_from_db()
    assert article.status == "submitted"
    assert not ReviewAssignment.objects.exists()


def test_assign_refuses_inactive_member(editor):
    member = BoardMemberFactory(active=False)
    article = ArticleFactory(submitted=True)
    with pytest.raises(ValidationError, match="not an active board member"):
        workflow.review_assign(article=article, reviewers=[member], actor=editor)


def test_assign_refuses_empty_board(editor):
    article = ArticleFactory(submitted=True)
    with pytest.raises(ValidationError, match="at least one"):
        workflow.review_assign(article=article, reviewers=[], actor=editor)


def test_editor_adds_reviewer_to_current_round_without_transition(editor, other_reviewer):
    article = ArticleFactory(under_review=True)
    history_rows = article.history.count()
    workflow.review_assign(article=article, reviewers=[other_reviewer], actor=editor)
    article.refresh_from_db()
    assert article.status == "under_review"
    assert article.history.count() == history_rows
    assert ReviewAssignment.objects.filter(article=article, round=1).count() == 2


def test_approval_completes_quorum_and_history_names_reviewer(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    workflow.review_decide(assignment=assignment, decision="approved", actor=reviewer.user)
    article.refresh_from_db()
    assert article.status == "approved"
    assert article.approved_at and article.last_reviewed_at and article.next_review_due
    assert (article.next_review_due - article.approved_at.date()).days == 365
    assert article.approved_snapshot["title"] == article.title
    row = latest_history(article)
    assert row.history_user == reviewer.user
    assert row.history_change_reason == f"approved by {reviewer} (1 of 1)"


def test_high_risk_needs_two_approvals(editor, reviewer, other_reviewer):
    article = ArticleFactory(risk="high", submitted=True)
    a1, a2 = workflow.review_assign(
        article=article, reviewers=[reviewer, other_reviewer], actor=editor
    )
    workflow.review_decide(assignment=a1, decision="approved", actor=reviewer.user)
    article.refresh_from_db()
    assert article.status == "under_review"
    workflow.review_decide(assignment=a2, decision="approved", actor=other_reviewer.user)
    article.refresh_from_db()
    assert article.status == "approved"
    assert (article.next_review_due - article.approved_at.date()).days == 180


@override_settings(REVIEW_QUORUM={"standard": 2, "high": 3})
def test_quorum_comes_from_settings(editor, reviewer, other_reviewer):
    article = ArticleFactory(submitted=True)
    a1, _ = workflow.review_assign(
        article=article, reviewers=[reviewer, other_reviewer], actor=editor
    )
    workflow.review_decide(assignment=a1, decision="approved", actor=reviewer.user)
    article.refresh_from_db()
    assert article.status == "under_review"


def test_request_changes_needs_a_comment(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    with pytest.raises(ValidationError, match="comment"):
        workflow.review_decide(
            assignment=assignment, decision="changes_requested", actor=reviewer.user
        )
    assignment.refresh_from_db()
    assert assignment.decision == "pending"


def test_changes_requested_then_resubmitted_starts_a_new_round(editor, reviewer, other_reviewer):
    article = ArticleFactory(submitted=True)
    assignment, other = workflow.review_assign(
        article=article, reviewers=[reviewer, other_reviewer], actor=editor
    )
    workflow.review_decide(
        assignment=assignment,
        decision="changes_requested",
        actor=reviewer.user,
        comment="Cite the label for the dose.",
    )
    article.refresh_from_db()
    assert article.status == "changes_requested"
    assert latest_history(article).history_change_reason == f"changes requested by {reviewer}"
    article = workflow.article_submit(article=article, actor=article.author)
    assert article.status == "submitted" and article.review_round == 2
    assert latest_history(article).history_change_reason.startswith(
        "resubmitted after changes (round 2); citation check passed"
    )
    # the old round's pending assignment can no longer be decided
    with pytest.raises(ValidationError, match="round is closed"):
        workflow.review_decide(assignment=other, decision="approved", actor=other_reviewer.user)


def test_decline_records_reason_without_transition(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    workflow.review_decide(
        assignment=assignment, decision="declined", actor=reviewer.user, comment="On leave."
    )
    article.refresh_from_db()
    assignment.refresh_from_db()
    assert article.status == "under_review"
    assert assignment.decision == "declined" and assignment.comment == "On leave."


def test_decision_cannot_be_made_twice(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    workflow.review_decide(assignment=assignment, decision="approved", actor=reviewer.user)
    with pytest.raises(ValidationError, match="already decided"):
        workflow.review_decide(
            assignment=assignment, decision="changes_requested", actor=reviewer.user, comment="x"
        )


def test_unknown_decision_is_refused(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    with pytest.raises(ValidationError, match="Unknown decision"):
        workflow.review_decide(assignment=assignment, decision="pending", actor=reviewer.user)


def test_stale_rereview_reassigns_previous_approvers():
    article = ArticleFactory(stale=True)
    approver = ReviewAssignment.objects.get(article=article).reviewer
    editor = editor_user()
    article = workflow.article_rereview(article=article, actor=editor)
    assert article.status == "under_review" and article.review_round == 2
    assert list(
        ReviewAssignment.objects.filter(article=article, round=2).values_list("reviewer", flat=True)
    ) == [approver.pk]


def test_start_revision_keeps_approved_snapshot(author):
    article = ArticleFactory(author=author, approved=True)
    snapshot = article.approved_snapshot
    article = workflow.article_start_revision(article=article, actor=author)
    assert article.status == "draft"
    assert article.approved_snapshot == snapshot


def test_archive_needs_reason_and_works_from_any_state(editor):
    article = ArticleFactory(under_review=True)
    with pytest.raises(ValidationError, match="why"):
        workflow.article_archive(article=article, actor=editor, reason=" ")
    article = workflow.article_archive(article=article, actor=editor, reason="duplicate topic")
    assert article.status == "archived"
    assert latest_history(article).history_change_reason == "archived: duplicate topic"
    with pytest.raises(ValidationError, match="already archived"):
        workflow.article_archive(article=article, actor=editor, reason="again")


def test_flag_stale_by_system_needs_reason():
    article = ArticleFactory(approved=True)
    with pytest.raises(ValidationError):
        workflow.article_flag_stale(article=article, reason="")
    article = workflow.article_flag_stale(article=article, reason="label revised")
    assert article.status == "stale"
    row = latest_history(article)
    assert row.history_user is None and row.history_change_reason == "flagged stale: label revised"


def test_services_accept_a_stale_instance(editor, reviewer):
    article = ArticleFactory(submitted=True)
    stale_copy = Article.objects.get(pk=article.pk)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    # the caller still holds the "submitted" instance; the service re-reads under lock
    with pytest.raises(ValidationError, match="Cannot submit"):
        workflow.article_submit(article=stale_copy, actor=stale_copy.author)


def test_every_transition_writes_one_history_row_with_user_and_reason(editor, reviewer):
    article = ArticleFactory(submitted=True)
    (a,) = workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    workflow.review_decide(assignment=a, decision="approved", actor=reviewer.user)
    workflow.article_flag_stale(article=article, reason="source changed", actor=editor)
    workflow.article_start_revision(article=article, actor=article.author)
    workflow.article_archive(article=article, actor=editor, reason="withdrawn")
    rows = list(article.history.order_by("history_date", "history_id"))
    statuses = [r.status for r in rows]
    assert statuses == [
        "draft",
        "submitted",
        "under_review",
        "approved",
        "stale",
        "draft",
        "archived",
    ]
    assert all(r.history_change_reason for r in rows)
    assert all(r.history_user is not None for r in rows[1:])


def test_submission_records_the_citation_check_warnings_in_the_audit_trail(author):
    from editorial.audit.timeline import article_timeline
    from tests.factories import SourceFactory

    article = ArticleFactory(author=author)
    Citation.objects.create(article=article, number=2, source=SourceFactory())
    # cited out of order: [2] before [1] is a warning, not an error
    Section.objects.filter(article=article).update(body="Drug X 10 mg daily [2] and [1].")
    workflow.article_submit(article=article, actor=author)
    reason = latest_history(article).history_change_reason
    assert reason.startswith("submitted for review (round 1); citation check passed with")
    assert "warning" in reason
    timeline = article_timeline(article)
    assert any("citation check passed with" in entry.why for entry in timeline.entries)
