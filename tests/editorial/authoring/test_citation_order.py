"""Citation order is fixed where the author is: the editor offers "Renumber citations" and
submitting an article whose citations would read [1], [3], [2] warns first."""

from __future__ import annotations

import pytest

from articles.models import Citation, Section
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def out_of_order(author):
    article = ArticleFactory(author=author)
    section = article.sections.get()
    section.body = "First [1]. Then the third source [3]. Then [2]."
    section.save()
    for n in (2, 3):
        Citation.objects.create(article=article, number=n, source=SourceFactory())
    return article


def test_the_editor_offers_renumbering_when_the_order_is_off(client, author, out_of_order):
    client.force_login(author)
    page = client.get(editor_url(out_of_order)).text
    assert "Readers would see the citations in the order [1], [3], [2]" in page
    assert 'value="renumber"' in page


def test_renumber_in_the_author_editor_fixes_numbers_and_markers(client, author, out_of_order):
    client.force_login(author)
    client.post(editor_url(out_of_order), editor_post(out_of_order, "renumber"))
    assert Section.objects.get(article=out_of_order).body == (
        "First [1]. Then the third source [2]. Then [3]."
    )
    page = client.get(editor_url(out_of_order)).text
    assert 'value="renumber"' not in page


def test_submitting_out_of_order_warns_and_submits_nothing(client, author, out_of_order):
    client.force_login(author)
    response = client.post(editor_url(out_of_order), editor_post(out_of_order, "submit"))
    assert response.status_code == 400
    assert "in the order [1], [3], [2], not 1, 2, 3" in response.text
    out_of_order.refresh_from_db()
    assert out_of_order.status == "draft"
    client.post(editor_url(out_of_order), editor_post(out_of_order, "submit-anyway"))
    out_of_order.refresh_from_db()
    assert out_of_order.status == "submitted"


def test_an_article_in_order_submits_at_once(client, author):
    article = ArticleFactory(author=author)
    client.force_login(author)
    client.post(editor_url(article), editor_post(article, "submit"))
    article.refresh_from_db()
    assert article.status == "submitted"
