from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviewers.models import Disclosure
from tests.board import member, start_review
from tests.factories import ArticleFactory, DisclosureFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:reviewers_boardmember_changelist")


@time_machine.travel("2026-11-24 12:00Z")
def test_changelist_shows_licence_due_and_filters_on_it(client, editor):
    member(user__last_name="Lapsedson", licence_verified_on=date(2023, 1, 1))
    member(user__last_name="Fresh", licence_verified_on=date(2026, 1, 1), licence_number="NY 1")
    client.force_login(editor)
    page = client.get(CHANGELIST).text
    assert "<strong>due</strong> (verified 01 Jan 2023)" in page
    assert "verified 01 Jan 2026" in page
    due_only = client.get(CHANGELIST, {"licence_due": "yes"}).text
    assert "Lapsedson" in due_only and "Fresh" not in due_only
    recent_only = client.get(CHANGELIST, {"licence_due": "no"}).text
    assert "Fresh" in recent_only and "Lapsedson" not in recent_only


def test_changelist_queries_do_not_grow_with_the_board(client, editor):
    counts = []
    for size in (2, 12):
        for _ in range(size):
            m = member()
            DisclosureFactory(member=m)
        start_review(ArticleFactory(), [m])
        client.force_login(editor)
        client.get(CHANGELIST)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(CHANGELIST).text
        assert "1 of 10" in page  # the open-load column
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_editor_records_a_disclosure_inline_and_history_keeps_who(client, editor):
    m = member()
    oncology = SpecialtyFactory()
    m.specialties.add(oncology)
    client.force_login(editor)
    url = reverse("admin:reviewers_boardmember_change", args=[m.pk])
    assert "Disclosures" in client.get(url).text
    data = {
        "user": m.user_id,
        "credentials": "MD",
        "specialties": [oncology.pk],
        "affiliation": "Riverside University",
        "licence_number": "MA 1",
        "licence_verified_on": "2026-01-05",
        "active": "on",
        "max_open_reviews": 10,
        "disclosures-TOTAL_FORMS": 1,
        "disclosures-INITIAL_FORMS": 0,
        "disclosures-0-organisation": "Pfizer",
        "disclosures-0-kind": "speaker",
        "disclosures-0-since": "2025-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    disclosure = Disclosure.objects.get(member=m)
    assert (disclosure.organisation, disclosure.kind) == ("Pfizer", "speaker")
    assert disclosure.history.get().history_user == editor
    m.refresh_from_db()
    assert m.licence_number == "MA 1"


def test_assign_page_queries_do_not_grow_with_the_board(client, editor):
    oncology = SpecialtyFactory()
    article = ArticleFactory(submitted=True, specialty=oncology)
    client.force_login(editor)
    url = reverse("admin:articles_article_assign", args=[article.pk])
    counts = []
    for size in (2, 12):
        for _ in range(size):
            m = member()
            m.specialties.add(oncology)
            DisclosureFactory(member=m, organisation="Medtronic")
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    # session, user, groups, article, suggestions (5), member of the editor: constant
    assert counts[0] == counts[1]


def test_assignment_changelist_shows_signatures_in_constant_queries(client, editor):
    url = reverse("admin:reviewers_reviewassignment_changelist")
    client.force_login(editor)
    counts = []
    for size in (1, 5):
        for _ in range(size):
            ArticleFactory(approved=True)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).text
        assert "clinically reviewed and approved" in page
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
