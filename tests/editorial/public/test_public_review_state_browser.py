"""Issue 20 point 1 in a real browser (Debian's chromium, production CSP): a stale article shows
the qualified badge and the notice, never the unqualified "reviewed" badge."""

import pytest

from editorial import workflow
from tests.factories import ArticleFactory, BoardMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stale_article_in_a_browser_shows_the_qualified_badge(browser_page, live_server):
    article = ArticleFactory(approved=True)
    concerned = BoardMemberFactory()
    workflow.article_raise_concern(article=article, actor=concerned.user, reason="dose")
    page = browser_page
    response = page.goto(f"{live_server.url}/articles/{article.slug}/")
    assert response.status == 200
    assert page.locator("article.article").get_attribute("data-review-state") == "stale"
    assert page.locator(".badge--rereview").is_visible()
    assert "re-review in progress" in page.locator(".badge--rereview").inner_text()
    assert page.locator(".badge--reviewed").count() == 0
    assert page.get_by_text("raised a concern").is_visible()
