"""The editors' desk: withdraw or replace a pending reviewer, a decline mails the editors with a
one-click replacement, the assignment form (due date, pharmacist), the sources' Retracted column
and the staleness flags list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import StalenessFlag
from reviewers.models import ReviewAssignment
from tests.board import article_with, member, start_review
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_an_editor_withdraws_a_pending_reviewer_and_the_history_says_why(editor):
    article = ArticleFactory()
    (assignment,) = start_review(article, [member("MD")])
    workflow.review_withdraw(assignment=assignment, actor=editor, reason="on leave")
    assert not ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    last = ReviewAssignment.history.filter(id=assignment.pk).latest("history_date")
    assert last.history_type == "-"
    assert last.history_change_reason == "withdrawn: on leave"
    assert last.history_user == editor


def test_a_decided_reviewer_cannot_be_withdrawn(editor):
    article = ArticleFactory()
    reviewer = member("MD")
    (assignment,) = start_review(article, [reviewer, member("DO")])[:1]
    workflow.review_decide(
        assignment=assignment, decision="declined", comment="busy", actor=reviewer.user
    )
    with pytest.raises(ValidationError, match="part of the record"):
        workflow.review_withdraw(assignment=assignment, actor=editor, reason="x")
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()


def test_only_an_editor_withdraws_and_a_reason_is_needed(editor):
    article = ArticleFactory()
    (assignment,) = start_review(article, [member("MD")])
    with pytest.raises(PermissionDenied):
        workflow.review_withdraw(assignment=assignment, actor=article.author, reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        workflow.review_withdraw(assignment=assignment, actor=editor, reason="  ")
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_decline_mails_the_editors_and_their_link_replaces_in_one_click(
    client, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    decliner = member("MD", user__last_name="Aardvark")
    (assignment,) = start_review(article, [decliner])
    nextup = member("MD", user__last_name="Nextup")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.review_decide(
            assignment=assignment, decision="declined", comment="Away", actor=decliner.user
        )
    to_editor = [m for m in mail.outbox if editor.email in m.to]
    assert len(to_editor) == 1
    link = reverse("admin:articles_article_replace", args=[article.pk, assignment.pk])
    assert link in to_editor[0].body and "Away" in to_editor[0].body
    client.force_login(editor)
    page = client.get(link)
    assert f'value="{nextup.pk}" selected' in page.text
    client.post(link, {"replacement": nextup.pk, "reason": ""})
    assert ReviewAssignment.objects.filter(
        article=article, reviewer=nextup, round=1, decision="pending"
    ).exists()
    assert ReviewAssignment.objects.get(pk=assignment.pk).decision == "declined"  # kept


def test_replacing_a_pending_reviewer_withdraws_them_in_the_same_step(client, editor):
    article = ArticleFactory()
    slow = member("MD")
    (assignment,) = start_review(article, [slow])
    other = member("MD")
    client.force_login(editor)
    url = reverse("admin:articles_article_replace", args=[article.pk, assignment.pk])
    refused = client.post(url, {"replacement": other.pk, "reason": ""})
    assert "This field is required" in refused.text  # a pending reviewer needs a reason
    client.post(url, {"replacement": other.pk, "reason": "three weeks late"})
    reviewers = set(
        ReviewAssignment.objects.filter(article=article).values_list("reviewer", flat=True)
    )
    assert reviewers == {other.pk}


def test_the_assign_form_has_a_date_picker_with_the_default_due_date(client, editor, settings):
    settings.REVIEW_DUE_DAYS = 10
    article = article_with(label_issuer="Pfizer")
    workflow.article_submit(article=article, actor=article.author)
    pharmacist = member("PharmD", user__last_name="Pharma")
    client.force_login(editor)
    url = reverse("admin:articles_article_assign", args=[article.pk])
    page = client.get(url).text
    due = timezone.localdate() + dt.timedelta(days=10)
    assert f'type="date" name="due_at" value="{due:%Y-%m-%d}"' in page
    assert "satisfies the pharmacist requirement" in page
    past = timezone.localdate() - dt.timedelta(days=1)
    refused = client.post(url, {"reviewers": [pharmacist.pk], "due_at": f"{past:%Y-%m-%d}"})
    assert "The due date is in the past" in refused.text
    client.post(url, {"reviewers": [pharmacist.pk], "due_at": f"{due:%Y-%m-%d}"})
    (assignment,) = ReviewAssignment.objects.filter(article=article)
    assert timezone.localdate(assignment.due_at) == due


def test_a_submitted_article_shows_the_assignment_panel_before_the_form(client, editor):
    article = ArticleFactory(submitted=True)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert page.index('id="workflow"') < page.index('id="article_form"')
    assert "Assign reviewers (start review)" in page


def test_the_retracted_column_marks_only_retracted_sources(client, editor):
    SourceFactory(title="Fine source")
    SourceFactory(title="Withdrawn trial", retracted=True)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_source_changelist")).text
    assert page.count(">Retracted</td>") == 1
    assert "icon-no.svg" not in page


def test_each_open_staleness_flag_has_a_resolve_button(client, editor):
    article = ArticleFactory(approved=True)
    source = article.citations.get().source
    flag = StalenessFlag.objects.create(
        article=article, source=source, from_version="2025", to_version="2026", reason="new version"
    )
    client.force_login(editor)
    page = client.get(reverse("admin:editorial_stalenessflag_changelist")).text
    assert f"resolve/?ids={flag.pk}" in page
    assert "2025 → 2026" in page
