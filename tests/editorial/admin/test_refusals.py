"""Refusals say why, in the admin's look: never "doesn't exist… deleted?" nor a bare
"403 Forbidden"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.board import article_with, member, start_review
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def test_a_conflicted_member_is_told_about_the_conflict(client):
    conflicted = member("MD")
    DisclosureFactory(member=conflicted, organisation="Pfizer")
    article = article_with(label_issuer="Pfizer")
    start_review(article, [member("PharmD")])
    client.force_login(conflicted.user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 403
    assert "conflict of interest" in page.text and "Pfizer" in page.text
    assert 'id="site-name"' in page.text  # the admin's header


def test_a_missing_article_is_a_styled_404(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[999999]))
    assert page.status_code == 404
    assert "There is no article with this number" in page.text
    assert "deleted?" not in page.text


def test_an_audit_page_refused_to_an_author_is_styled_and_says_why(client):
    article = ArticleFactory(under_review=True)
    client.force_login(article.author)
    page = client.get(reverse("admin:articles_article_audit", args=[article.pk]))
    assert page.status_code == 403
    assert "Only editors and the article&#x27;s reviewers see its audit trail." in page.text
    assert 'id="site-name"' in page.text


def test_an_unknown_admin_address_is_a_404_in_the_admin_look(client, editor):
    client.force_login(editor)
    page = client.get("/admin/no-such-page/at-all/")
    assert page.status_code == 404
    assert 'id="site-name"' in page.text


def test_public_404_keeps_the_public_look(client, db):
    page = client.get("/articles/no-such-article/")
    assert page.status_code == 404
    assert "Article not found" in page.text
