import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Citation, Section
from articles.snapshot import article_content_hash, canonical_json, snapshot_hash
from editorial import workflow
from editorial.workflow.quorum import quorum_state
from editorial.workflow.signatures import approval_is_valid, article_valid_approvals
from reviewers.models import ReviewAssignment, Signature
from tests.board import FULL_CHECKLIST, article_with, cite, member, start_review
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_canonical_json_ignores_key_order():
    assert canonical_json({"b": 1, "a": [1, "é"]}) == canonical_json({"a": [1, "é"], "b": 1})
    assert snapshot_hash({"b": 1, "a": 2}) == snapshot_hash({"a": 2, "b": 1})


def _edit_section(article):
    section = article.sections.first()
    section.body += " Monitor potassium [1]."
    section.save()


def _edit_locator(article):
    Citation.objects.filter(article=article).update(locator="Table 2")


def _edit_pinned_version(article):
    Citation.objects.filter(article=article).update(cited_version="2024 update")


def _add_citation(article):
    cite(article, kind="guideline", issuer="ASCO")


def _add_section(article):
    Section.objects.create(article=article, kind="other", heading="More", position=9, body="x")


def _edit_summary(article):
    article.refresh_from_db()
    article.summary = "A different answer."
    article.save()


@pytest.mark.parametrize(
    "edit",
    [
        _edit_section,
        _edit_locator,
        _edit_pinned_version,
        _add_citation,
        _add_section,
        _edit_summary,
    ],
)
def test_content_hash_changes_with_any_reviewed_content_and_voids_the_approval(edit):
    article = ArticleFactory(approved=True)
    (approval,) = article_valid_approvals(article)
    before = article_content_hash(article)
    assert approval.signature.content_sha256 == before
    workflow.article_start_revision(article=article, actor=article.author)
    assert article_valid_approvals(article) == [approval]  # reopening alone changes nothing
    edit(article)
    after = article_content_hash(article)
    assert after != before
    assert not approval_is_valid(ReviewAssignment.objects.get(pk=approval.pk), after)
    assert article_valid_approvals(article) == []


def test_approval_signed_over_other_content_does_not_count_for_the_quorum():
    article = article_with(risk="high")
    first, second = start_review(article, [member("MD"), member("DO")])
    workflow.review_decide(assignment=first, decision="approved", actor=first.reviewer.user)
    # the reviewed content changes under the round (e.g. a pinned version is corrected)
    _edit_pinned_version(article)
    result = workflow.review_decide(
        assignment=second, decision="approved", actor=second.reviewer.user
    )
    assert result.article.status == "under_review"
    rounds = ReviewAssignment.objects.current_round(result.article)
    state = quorum_state(result.article, rounds.select_related("reviewer__user", "signature"))
    assert state.missing == ["1 more physician approval"]


def test_approved_snapshot_carries_the_signed_hash():
    article = ArticleFactory(approved=True)
    (approval,) = article_valid_approvals(article)
    assert snapshot_hash(article.approved_snapshot) == approval.signature.content_sha256
    assert article_valid_approvals(
        article, content_hash=snapshot_hash(article.approved_snapshot)
    ) == [approval]


@time_machine.travel("2026-11-24 10:30Z", tick=False)
def test_signature_records_name_credentials_time_meaning_hash_and_checklist():
    article = article_with(label_issuer="Pfizer")
    lena = member("PharmD", user__first_name="Lena", user__last_name="Park")
    ada = member("MD", user__first_name="Ada", user__last_name="Quill")
    pharmacist, physician = start_review(article, [lena, ada])
    expected_hash = article_content_hash(article)
    checklist = {**FULL_CHECKLIST, "label_concordance": "concordant"}
    workflow.review_decide(
        assignment=pharmacist, decision="approved", actor=lena.user, checklist=checklist
    )
    workflow.review_decide(assignment=physician, decision="approved", actor=ada.user)
    signed = {s.printed_name: s for s in Signature.objects.all()}
    lena_sig = signed["Lena Park"]
    assert (lena_sig.credentials, lena_sig.meaning) == ("PharmD", "label reviewed")
    assert lena_sig.signed_at == timezone.now()
    assert lena_sig.content_sha256 == expected_hash
    assert lena_sig.signer == lena.user
    assert lena_sig.checklist == {**checklist, "off_label_statements": ""}
    assert signed["Ada Quill"].meaning == "clinically reviewed and approved"


def test_changes_requested_is_signed_with_its_meaning(reviewer):
    (assignment,) = start_review(ArticleFactory(), [reviewer])
    workflow.review_decide(
        assignment=assignment, decision="changes_requested", actor=reviewer.user, comment="Fix."
    )
    assert Signature.objects.get().meaning == "changes requested"


@pytest.mark.parametrize(
    ("checklist", "message"),
    [
        ({**FULL_CHECKLIST, "currency": False}, "confirm “Currency"),
        ({k: v for k, v in FULL_CHECKLIST.items() if k != "grade_certainty"}, "GRADE"),
        ({**FULL_CHECKLIST, "grade_certainty": "certain"}, "Unknown GRADE certainty"),
        (FULL_CHECKLIST, "confirm label concordance"),
        (
            {**FULL_CHECKLIST, "label_concordance": "off_label_flagged"},
            "List the off-label statements",
        ),
    ],
)
def test_an_incomplete_checklist_refuses_the_approval_and_records_nothing(checklist, message):
    article = article_with(label_issuer="Pfizer")
    (assignment,) = start_review(article, [member("PharmD")])
    with pytest.raises(ValidationError) as exc:
        workflow.review_decide(
            assignment=assignment,
            decision="approved",
            actor=assignment.reviewer.user,
            checklist=checklist,
        )
    assert any(message in m for m in exc.value.messages)
    assignment.refresh_from_db()
    assert assignment.decision == "pending"
    assert not Signature.objects.exists()


def test_only_an_approval_keeps_the_checklist(reviewer):
    (assignment,) = start_review(ArticleFactory(), [reviewer])
    workflow.review_decide(
        assignment=assignment,
        decision="declined",
        actor=reviewer.user,
        comment="On leave.",
        checklist={"authorship": False, "grade_certainty": ""},
    )
    assert Signature.objects.get().checklist is None


def test_an_unchanged_article_sent_to_re_review_keeps_its_approvals_valid(editor):
    article = ArticleFactory(stale=True)
    (approval,) = article_valid_approvals(article)
    workflow.article_rereview(article=article, actor=editor)
    article.refresh_from_db()
    assert article.review_round == 2
    assert article_valid_approvals(article) == [approval]  # same content, still vouched for
    # ...but the new round needs its own approvals
    state = quorum_state(article, ReviewAssignment.objects.current_round(article))
    assert state.missing == ["1 more physician approval"]
