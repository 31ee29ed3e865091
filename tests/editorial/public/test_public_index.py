"""The public index: what is listed, search, specialty filter, pagination, and no leaks."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from editorial.public import selectors as public_selectors
from tests.editorial.public_helpers import changes_requested_article, revise
from tests.factories import ArticleFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return re.findall(
        r'article-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def test_index_lists_published_and_pending_but_never_drafts(client, author):
    ArticleFactory(approved=True, title="Approved question?")
    ArticleFactory(stale=True, title="Stale question?")
    ArticleFactory(submitted=True, title="Pending question?")
    ArticleFactory(title="Draft question?", author=author)
    changes_requested_article(title="Sent back question?")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(_titles(response)) == [
        "Approved question?",
        "Pending question?",
        "Stale question?",
    ]
    assert "Draft question?" not in html and "Sent back question?" not in html
    assert author.get_full_name() not in html
    assert html.count("Pending review</span>") == 1


@override_settings(PUBLIC_SHOWS_PENDING=False)
def test_index_hides_pending_articles_when_the_setting_is_off(client):
    ArticleFactory(approved=True, title="Approved question?")
    ArticleFactory(under_review=True, title="Pending question?")
    response = client.get("/")
    assert _titles(response) == ["Approved question?"]
    assert b"Pending review" not in response.content


def test_index_shows_the_approved_title_of_an_article_under_revision(client):
    article = ArticleFactory(approved=True, title="Approved question?")
    revise(article, title="Draft question?", body="Draft text [1].")
    response = client.get("/")
    assert _titles(response) == ["Approved question?"]
    assert b"Draft question?" not in response.content


def test_index_lists_newest_first(client):
    start = timezone.now()
    for days, title in [(0, "Oldest?"), (1, "Middle?"), (2, "Newest?")]:
        with time_machine.travel(start + timedelta(days=days), tick=False):
            ArticleFactory(approved=True, title=title)
    assert _titles(client.get("/")) == ["Newest?", "Middle?", "Oldest?"]


def test_search_matches_approved_title_and_summary_on_any_database(client):
    ArticleFactory(approved=True, title="Statins in the elderly?", summary="Lipids.")
    ArticleFactory(approved=True, title="Metformin in CKD?", summary="Kidney function matters.")
    assert _titles(client.get("/?q=statins")) == ["Statins in the elderly?"]
    assert _titles(client.get("/?q=kidney")) == ["Metformin in CKD?"]


def test_search_never_matches_draft_text_of_a_revision(client):
    article = ArticleFactory(approved=True, title="Approved question?")
    revise(article, title="Zebrafish draft question?", body="Draft text [1].")
    assert _titles(client.get("/?q=zebrafish")) == []


def test_specialty_filter_lists_only_that_specialty(client):
    oncology = SpecialtyFactory(name="Oncology", slug="oncology")
    cardiology = SpecialtyFactory(name="Cardiology", slug="cardiology")
    ArticleFactory(approved=True, title="Breast cancer?", specialty=oncology)
    ArticleFactory(approved=True, title="Heart failure?", specialty=cardiology)
    response = client.get("/?specialty=oncology")
    assert _titles(response) == ["Breast cancer?"]
    assert b"Articles in Oncology" in response.content


def test_unknown_specialty_and_bad_page_do_not_fail(client):
    ArticleFactory(approved=True)
    assert _titles(client.get("/?specialty=nope")) == []
    assert client.get("/?page=abc").status_code == 200
    assert client.get("/?page=999").status_code == 200


def test_index_paginates_twenty_per_page(client, django_assert_max_num_queries):
    for n in range(public_selectors.PER_PAGE + 3):
        ArticleFactory(approved=True, title=f"Question {n:02d}?")
    # 1 ids and last saves of the page (and one more row: is there a next page?), 1 those
    # articles, 1 specialties for the filter and the cards (the directory, read once and
    # cached); no COUNT over every article
    with django_assert_max_num_queries(3):
        first = client.get("/")
    assert len(_titles(first)) == public_selectors.PER_PAGE
    assert b'rel="next" href="?page=2"' in first.content
    second = client.get("/?page=2")
    assert len(_titles(second)) == 3
    assert b'rel="next"' not in second.content and b'rel="prev"' in second.content


@pytest.mark.postgres
def test_full_text_search_on_postgresql_matches_word_forms_and_ranks_titles_first(client):
    ArticleFactory(approved=True, title="Dosing anticoagulants?", summary="Renal dosing.")
    ArticleFactory(
        approved=True, title="Vaccines in pregnancy?", summary="About anticoagulant use."
    )
    ArticleFactory(approved=True, title="Unrelated question?", summary="Nothing here.")
    # "anticoagulant" stems to match "anticoagulants"; the title hit outranks the summary hit
    assert _titles(client.get("/?q=anticoagulant")) == [
        "Dosing anticoagulants?",
        "Vaccines in pregnancy?",
    ]
    # websearch syntax: a quoted phrase and a negated word do not error
    assert client.get('/?q="renal dosing" -vaccines').status_code == 200


def test_search_results_paginate(client, django_assert_max_num_queries):
    for n in range(public_selectors.PER_PAGE + 2):
        ArticleFactory(approved=True, title=f"Aspirin question {n:02d}?")
    ArticleFactory(approved=True, title="Unrelated?")
    # 1 ranked ids (and last saves) of every hit, 1 that page's articles, 1 specialties
    with django_assert_max_num_queries(3):
        first = client.get("/?q=aspirin")
    assert len(_titles(first)) == public_selectors.PER_PAGE
    assert f"{public_selectors.PER_PAGE + 2} articles matching" in first.content.decode()
    assert len(_titles(client.get("/?q=aspirin&page=2"))) == 2


@pytest.mark.postgres
def test_full_text_search_uses_the_search_index_on_postgresql():
    from django.db import connection

    from editorial.public.selectors.index import _visible_articles, search_filter

    ArticleFactory(approved=True, title="Indexed question?")
    articles, is_ranked = search_filter(_visible_articles(), "indexed")
    assert is_ranked
    with connection.cursor() as cursor:
        # on a handful of rows PostgreSQL prefers a scan; forbid it to see the index is usable
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = articles.values_list("pk", flat=True).explain()
    assert "article_search_document" in plan or "article_public_title_trgm" in plan
