"""The board in the admin, through the test client: signed decisions, suggestions, quorum."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from editorial import workflow
from reviewers.models import ReviewAssignment, Signature
from tests.board import FULL_CHECKLIST, article_with, member, start_review
from tests.factories import ArticleFactory, DisclosureFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-correct-horse"  # UserFactory's


def decide_url(article):
    return reverse("admin:articles_article_decide", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def assign_url(article):
    return reverse("admin:articles_article_assign", args=[article.pk])


def approval(password=PASSWORD, **extra):
    return {"decision": "approved", "comment": "", "password": password, **FULL_CHECKLIST, **extra}


@pytest.fixture
def reviewing(client, reviewer):
    article = ArticleFactory()
    (assignment,) = start_review(article, [reviewer])
    client.force_login(reviewer.user)
    return article, assignment


def assert_nothing_recorded(article, assignment):
    assignment.refresh_from_db()
    assert assignment.decision == "pending"
    assert not Signature.objects.exists()
    assert Article.objects.get(pk=article.pk).status == "under_review"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_signing_with_the_password_and_checklist_records_the_decision(client, reviewing):
    article, assignment = reviewing
    response = client.post(decide_url(article), approval(), follow=True)
    assert "Your decision was recorded." in messages_of(response)
    assignment.refresh_from_db()
    assert assignment.decision == "approved"
    assert Signature.objects.get().checklist["grade_certainty"] == "moderate"
    assert Article.objects.get(pk=article.pk).status == "approved"


def test_a_wrong_password_is_refused_and_records_nothing(client, reviewing):
    article, assignment = reviewing
    response = client.post(decide_url(article), approval("not-my-password"), follow=True)
    assert "Your password was not correct; nothing was recorded." in messages_of(response)
    assert_nothing_recorded(article, assignment)


def test_signing_without_re_entering_the_password_is_refused(client, reviewing):
    article, assignment = reviewing
    data = approval()
    del data["password"]
    client.post(decide_url(article), data)
    assert_nothing_recorded(article, assignment)


def test_another_users_password_does_not_sign(client, reviewing, editor):
    article, assignment = reviewing
    editor.set_password("editor-secret")
    editor.save()
    client.post(decide_url(article), approval("editor-secret"))
    assert_nothing_recorded(article, assignment)


def test_an_approval_in_the_admin_needs_the_checklist(client, reviewing):
    article, assignment = reviewing
    data = {"decision": "approved", "password": PASSWORD, "authorship": "on"}
    response = client.post(decide_url(article), data, follow=True)
    assert any("GRADE" in m for m in messages_of(response))
    assert_nothing_recorded(article, assignment)


def test_a_label_citing_article_needs_label_concordance_in_the_admin(client):
    pharmacist = member("PharmD")
    article = article_with(label_issuer="Pfizer")
    (assignment,) = start_review(article, [pharmacist])
    client.force_login(pharmacist.user)
    page = client.get(change_url(article))
    assert "Label concordance" in page.text
    client.post(decide_url(article), approval())
    assert_nothing_recorded(article, assignment)
    client.post(decide_url(article), approval(label_concordance="concordant"))
    assert Signature.objects.get().meaning == "label reviewed"


def test_requesting_changes_also_needs_the_password(client, reviewing):
    article, assignment = reviewing
    data = {"decision": "changes_requested", "comment": "Cite the label.", "password": "nope"}
    client.post(decide_url(article), data)
    assert_nothing_recorded(article, assignment)
    client.post(decide_url(article), {**data, "password": PASSWORD})
    assert Signature.objects.get().meaning == "changes requested"


def test_the_panel_shows_quorum_progress_and_signature_details(client, editor):
    article = article_with(risk="high", label_issuer="Pfizer")
    ada = member("MD", user__first_name="Ada", user__last_name="Quill")
    start_review(article, [ada, member("DO"), member("PharmD")])
    client.force_login(ada.user)
    client.post(decide_url(article), approval(label_concordance="concordant"))
    client.force_login(editor)
    page = client.get(change_url(article)).text
    assert "1 of 3 approvals" in page
    assert "Still missing: 1 more physician approval, a pharmacist approval." in page
    signature = Signature.objects.get()
    assert "Ada Quill, MD — <em>clinically reviewed and approved</em>" in page
    assert signature.content_sha256[:12] in page
    assert "<strong>valid</strong>" in page


def test_the_panel_shows_an_approval_as_void_once_the_content_changed(client, editor):
    article = ArticleFactory(approved=True)
    workflow.article_start_revision(article=article, actor=editor)
    section = article.sections.get()
    section.body = "Drug X 20 mg daily improved survival [1]."
    section.save()
    client.force_login(editor)
    page = client.get(change_url(article)).text
    assert "<strong>void</strong>: the content changed since it was signed" in page
    assert "<strong>valid</strong>" not in page


def test_assign_page_lists_suggestions_in_order_and_why_others_are_left_out(client, editor):
    oncology = SpecialtyFactory(name="Oncology", slug="oncology")
    article = article_with(label_issuer="Pfizer", specialty=oncology, submitted=True)
    match = member(user__first_name="Mia", user__last_name="Match", max_open_reviews=4)
    match.specialties.add(oncology)
    member(user__first_name="Gus", user__last_name="General")
    ada = member(user__first_name="Ada", user__last_name="Quill")
    DisclosureFactory(member=ada, organisation="Pfizer", kind="consulting")
    client.force_login(editor)
    page = client.get(assign_url(article)).text
    assert page.index("Mia Match, MD") < page.index("Gus General, MD")
    assert "0 of 4" in page
    assert "Ada Quill, MD discloses consulting for Pfizer, the issuer of a cited source" in page
    assert f'value="{ada.pk}"' not in page  # excluded members cannot be ticked
    response = client.post(assign_url(article), {"reviewers": [match.pk]})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "under_review"


def test_posting_an_excluded_member_to_the_assign_view_assigns_nobody(client, editor):
    article = article_with(label_issuer="Pfizer", submitted=True)
    ada = member()
    DisclosureFactory(member=ada, organisation="Pfizer")
    client.force_login(editor)
    response = client.post(assign_url(article), {"reviewers": [ada.pk]})
    assert response.status_code == 200
    assert not ReviewAssignment.objects.exists()


def test_reviewers_cannot_open_the_assign_page(client, reviewer):
    article = ArticleFactory(submitted=True)
    client.force_login(reviewer.user)
    assert client.get(assign_url(article)).status_code in (403, 404)


def test_after_a_decline_the_editor_is_offered_the_next_suggestion(client, editor):
    article = article_with(risk="high")
    decliner, staying = member("MD"), member("DO")
    nextup = member("MD", user__first_name="Ned", user__last_name="Next")
    start_review(article, [decliner, staying])
    client.force_login(editor)
    assert "Assign next suggestion" not in client.get(change_url(article)).text
    client.force_login(decliner.user)
    client.post(
        decide_url(article), {"decision": "declined", "comment": "Away", "password": PASSWORD}
    )
    client.force_login(editor)
    page = client.get(change_url(article)).text
    assert "Assign next suggestion: Ned Next, MD" in page
    client.post(assign_url(article), {"reviewers": [nextup.pk]})
    assert ReviewAssignment.objects.filter(reviewer=nextup, round=1).exists()
    assert "Assign next suggestion" not in client.get(change_url(article)).text


def test_the_next_suggestion_fills_the_missing_pharmacist(client, editor):
    article = article_with(label_issuer="Pfizer")
    physician, pharmacist = member("MD"), member("PharmD")
    member("MD")
    member("PharmD", user__first_name="Pia", user__last_name="Pharm")
    start_review(article, [physician, pharmacist])
    client.force_login(pharmacist.user)
    client.post(
        decide_url(article), {"decision": "declined", "comment": "Away", "password": PASSWORD}
    )
    client.force_login(editor)
    assert "Assign next suggestion: Pia Pharm, PharmD" in client.get(change_url(article)).text


def test_change_page_queries_do_not_grow_with_assignments(client, editor):
    counts = []
    for size in (1, 6):
        article = ArticleFactory(risk="high")
        reviewers = [member("MD") for _ in range(size)]
        member("DO")  # someone left to suggest
        assignments = start_review(article, reviewers)
        # all decline: the page offers the next suggestion (the suggestion queries run)
        for a in assignments:
            workflow.review_decide(
                assignment=a, decision="declined", actor=a.reviewer.user, comment="Away"
            )
        client.force_login(editor)
        client.get(change_url(article))  # warm the content-type cache
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(change_url(article)).text
        assert "Assign next suggestion" in page
        counts.append(len(ctx.captured_queries))
    # session, user, groups, member?; article (x2), inline sections + citations, permissions
    # (x2); assignments (+ reviewer, user, signature); the snapshot (sections, citations);
    # suggestions (members, disclosures, issuers, round; no specialty set); the citation
    # check panel (sections, citations, registry findings): 20 for 1 or 6
    assert counts == [20, 20]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_signing_passwords_lock_the_signer_out(client, reviewing):
    # A signature is a login (21 CFR 11.300(d)): guessing at it is throttled like the login form.
    article, assignment = reviewing
    codes = [client.post(decide_url(article), approval("guess")).status_code for _ in range(3)]
    with_right_password = client.post(decide_url(article), approval())
    assert codes[:2] == [302, 302]
    assert with_right_password.status_code == 429
    assert_nothing_recorded(article, assignment)
