"""Reader feedback: posting without an account, bad input, throttling, triage, replies, audit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings

from articles.snapshot import snapshot_hash
from editorial.access.roles import EDITORS
from editorial.feedback import feedback_resolve
from editorial.models import AuditEntry, ReaderFeedback, ReplyStatus
from editorial.reporting.staleness_report import report_facts, report_for
from tests.editorial.public_helpers import archived_article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><b>bold</b> & <img src=x onerror=alert(1)>'


def url(article) -> str:
    return f"/articles/{article.slug}/feedback/"


def post(client, article, **data):
    payload = {"kind": "question", "message": "Does this apply to men?", "email": "", **data}
    return client.post(url(article), payload)


@pytest.fixture
def approved(db):
    return ArticleFactory(approved=True)


def test_article_page_offers_a_question_and_a_problem_report(client, approved):
    page = client.get(f"/articles/{approved.slug}/").content.decode()
    assert "Have a follow-up question?" in page
    assert "Report a problem with this article" in page
    version = snapshot_hash(approved.approved_snapshot)
    assert f"{url(approved)}?kind=possible_error&amp;v={version}" in page


def test_reader_posts_a_question_without_an_account(client, approved):
    form = client.get(url(approved) + "?kind=question")
    assert form.status_code == 200 and b'name="csrfmiddlewaretoken"' in form.content
    version = snapshot_hash(approved.approved_snapshot)
    response = post(client, approved, email="reader@example.org", v=version)
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{approved.slug}/feedback/sent/"
    assert b"Thank you" in client.get(response["Location"]).content
    item = ReaderFeedback.objects.get()
    assert (item.article, item.kind, item.email) == (approved, "question", "reader@example.org")
    assert item.seen_content_sha256 == version and item.seen_approved_at == approved.approved_at
    assert item.seen_status == "approved" and item.disposition == ""
    assert mail.outbox == []  # a question is for the editors' queue, not the board's inbox


def test_the_form_is_csrf_protected(approved):
    client = Client(enforce_csrf_checks=True)
    assert post(client, approved).status_code == 403
    assert not ReaderFeedback.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "   "}, "Write your question or describe the problem."),
        ({"message": "x" * 4001}, "Keep it under 4000 characters (it has 4001)."),
        ({"kind": "praise"}, "Select a valid choice."),
        ({"email": "not-an-address"}, "Enter a valid email address, or leave it empty."),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, approved, data, message):
    response = post(client, approved, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Your note was not sent" in response.content.decode()
    assert not ReaderFeedback.objects.exists()


def test_html_and_script_are_stored_as_text_and_never_rendered(client, approved, editor):
    assert post(client, approved, message=SCRIPT).status_code == 302
    assert ReaderFeedback.objects.get().message == SCRIPT
    # redisplayed after an error elsewhere in the form: escaped
    page = post(client, approved, message=SCRIPT, email="bad").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    client.force_login(editor)
    item = ReaderFeedback.objects.get()
    admin = client.get(f"/admin/editorial/readerfeedback/{item.pk}/change/").content.decode()
    assert "<script>alert" not in admin and "&lt;script&gt;alert" in admin
    assert "<img src=x" not in admin


def test_control_characters_are_refused_or_dropped_never_a_500(client, approved):
    refused = post(client, approved, message="dose\x00 looks wrong")
    assert refused.status_code == 400 and b"Null characters are not allowed" in refused.content
    assert post(client, approved, message="dose looks \x07wrong").status_code == 302
    assert ReaderFeedback.objects.get().message == "dose looks wrong"


def test_unknown_draft_or_archived_article_is_a_404(client, draft):
    gone = archived_article()
    for slug in ("no-such-article", draft.slug, gone.slug):
        response = client.post(f"/articles/{slug}/feedback/", {"kind": "other", "message": "hi"})
        assert response.status_code == 404
    assert not ReaderFeedback.objects.exists()


def test_honeypot_pretends_success_and_stores_nothing(client, approved):
    response = post(client, approved, website="http://spam.example")
    assert response.status_code == 302
    assert not ReaderFeedback.objects.exists()


@override_settings(FEEDBACK_PER_ADDRESS_PER_HOUR=3, FEEDBACK_GLOBAL_PER_HOUR=100)
def test_a_flood_from_one_address_gets_429_and_others_still_get_through(client, approved):
    statuses = [post(client, approved).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    throttled = post(client, approved)
    assert "nothing was saved" in throttled.content.decode()
    assert throttled["Retry-After"] == "3600"
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert post(elsewhere, approved).status_code == 302
    assert ReaderFeedback.objects.count() == 4


@override_settings(FEEDBACK_PER_ADDRESS_PER_HOUR=100, FEEDBACK_GLOBAL_PER_HOUR=4)
def test_a_flood_from_many_addresses_hits_the_global_limit(approved):
    statuses = [post(Client(REMOTE_ADDR=f"198.51.100.{n}"), approved).status_code for n in range(6)]
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert ReaderFeedback.objects.count() == 4


def test_problem_report_notifies_editors_and_the_approving_reviewers(
    client, approved, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        post(client, approved, kind="question", message="Only a question.")
    assert queued == [] and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        post(client, approved, kind="possible_error", message="The dose in [2] looks wrong.")
    recipients = sorted(m.to[0] for m in mail.outbox)
    approver = approved.assignments.get().reviewer.user
    editors = User.objects.filter(groups__name=EDITORS).values_list("email", flat=True)
    assert recipients == sorted([*editors, approver.email])
    assert editor.email in recipients and approved.author.email not in recipients
    assert "The dose in [2] looks wrong." in mail.outbox[0].body
    assert "/admin/editorial/readerfeedback/" in mail.outbox[0].body


def test_problem_report_appears_in_the_staleness_report(client, approved, editor):
    post(client, approved, kind="outdated", message="A 2026 guideline replaced this.")
    post(client, approved, kind="question", message="Just a question.")
    editor.is_editor = True
    report = report_for(editor, report_facts())
    assert [link.line.excerpt for link in report.reader_reports] == [
        "A 2026 guideline replaced this."
    ]
    assert not report.is_empty


def test_only_editors_resolve(approved, author):
    item = ReaderFeedback.objects.create(
        article=approved, kind="other", message="m", seen_status="approved", sender_key="k"
    )
    with pytest.raises(PermissionDenied):
        feedback_resolve(feedback=item, disposition="answered", actor=author, note="")
    item.refresh_from_db()
    assert item.disposition == ""


def test_editor_answers_once_by_mail_and_the_item_joins_the_audit_trail(
    client, approved, editor, django_capture_on_commit_callbacks
):
    post(client, approved, email="reader@example.org", message="Is 5 mg right?")
    item = ReaderFeedback.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_resolve(feedback=item, disposition="answered", actor=editor, note="Yes, 5 mg.")
    item.refresh_from_db()
    assert (item.disposition, item.resolved_by, item.reply_status) == (
        "answered",
        editor,
        ReplyStatus.SENT,
    )
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert "Yes, 5 mg." in mail.outbox[0].body and "Is 5 mg right?" in mail.outbox[0].body
    # changing the disposition later sends no second reply
    with django_capture_on_commit_callbacks(execute=True) as queued:
        feedback_resolve(feedback=item, disposition="no_change", actor=editor, note="Again.")
    assert queued == [] and len(mail.outbox) == 1
    history = list(item.history.order_by("history_id"))
    # received, answered (queued), the reply sent (by the system), the later change
    assert [(h.disposition, h.reply_status) for h in history] == [
        ("", ReplyStatus.NONE),
        ("answered", ReplyStatus.QUEUED),
        ("answered", ReplyStatus.SENT),
        ("no_change", ReplyStatus.SENT),
    ]
    assert history[1].history_user == editor
    assert history[2].history_user is None
    assert history[2].history_change_reason == "reply sent to the reader"
    chained = AuditEntry.objects.filter(
        article_id=approved.pk, model_label="editorial.historicalreaderfeedback"
    )
    assert chained.count() == 4


def test_spam_gets_no_reply(client, approved, editor, django_capture_on_commit_callbacks):
    post(client, approved, email="bot@example.org", message="cheap pills")
    item = ReaderFeedback.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        feedback_resolve(feedback=item, disposition="spam", actor=editor, note="Spam.")
    assert queued == [] and mail.outbox == []


def test_editor_triages_in_the_admin(client, approved, editor):
    post(client, approved, kind="possible_error", message="Typo in key points.")
    item = ReaderFeedback.objects.get()
    client.force_login(editor)
    changelist = client.get("/admin/editorial/readerfeedback/?open=yes")
    assert changelist.status_code == 200 and approved.title.encode() in changelist.content
    response = client.post(
        f"/admin/editorial/readerfeedback/{item.pk}/change/",
        {"disposition": "corrected", "resolution_note": "Fixed in the next revision."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.disposition, item.resolved_by) == ("corrected", editor)
    assert item.resolution_note == "Fixed in the next revision."
