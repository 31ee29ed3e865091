"""A big article in a real browser (Debian's chromium, the production CSP): sections shown as
text, one opened with "Edit", typed into with the live preview, saved and closed; a refused save
shows what was typed. Every page passes axe-core (no critical or serious violation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.models import Article, Section
from tests.accessibility import axe_problems, require_axe
from tests.editorial.author_helpers import big_article, editor_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-correct-horse")
    page.get_by_role("button", name="Sign in").click()


def test_author_edits_one_section_of_a_big_article(live_server, browser_page, author, settings):
    from playwright.sync_api import expect

    require_axe()
    settings.EDITOR_INLINE_MAX_ROWS = 3  # 6 sections and citations: shown as text
    article = big_article(author, 6)
    page = browser_page
    _sign_in(page, live_server, author.username)

    page.goto(live_server.url + editor_url(article))
    expect(page.get_by_text("Finding 4 [4].")).to_be_visible()
    expect(page.locator("textarea[name$='-body']")).to_have_count(0)
    assert axe_problems(page) == []

    page.get_by_role("button", name="Edit section 4").click()
    body = page.locator("textarea[name$='-body']")
    expect(body).to_have_count(1)
    section = Section.objects.get(article=article, position=4)
    expect(page.locator(f"#id_s{section.pk}-heading")).to_be_focused()  # ready to type
    body.fill("Finding 4 holds in 2026 [4], unlike [9].")
    checks = page.locator("#checks")
    expect(checks.get_by_text("has no citation numbered 9")).to_be_visible()  # live, unsaved
    expect(page.locator(f"#preview-{section.pk}")).to_contain_text("unlike [9]")
    assert axe_problems(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "author-editor-big-article.png"), full_page=True)

    page.get_by_role("button", name="Save and close").click()
    expect(page.locator("textarea[name$='-body']")).to_have_count(0)
    expect(page.get_by_text("Finding 4 holds in 2026 [4], unlike [9].")).to_be_visible()
    section.refresh_from_db()
    assert section.body == "Finding 4 holds in 2026 [4], unlike [9]."


def test_a_refused_save_of_a_big_article_shows_the_typed_text(
    live_server, browser_page, author, settings
):
    from playwright.sync_api import expect

    require_axe()
    settings.EDITOR_INLINE_MAX_ROWS = 3
    article = big_article(author, 6)
    page = browser_page
    _sign_in(page, live_server, author.username)
    page.goto(live_server.url + editor_url(article))
    page.get_by_role("button", name="Edit section 2").click()
    page.locator("textarea[name$='-body']").fill("Typed while another tab submitted it [2].")
    Article.objects.filter(pk=article.pk).update(status="submitted")

    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved: the article is submitted")
    expect(page.get_by_label("Section 2 (Part 2): text")).to_have_value(
        "Typed while another tab submitted it [2]."
    )
    assert axe_problems(page) == []


def test_a_save_after_the_session_ended_shows_the_typed_text(
    live_server, browser_page, author, settings
):
    from playwright.sync_api import expect

    require_axe()
    settings.EDITOR_INLINE_MAX_ROWS = 3
    article = big_article(author, 6)
    page = browser_page
    _sign_in(page, live_server, author.username)
    page.goto(live_server.url + editor_url(article))
    page.get_by_role("button", name="Edit section 5").click()
    page.locator("textarea[name$='-body']").fill("Written all afternoon [5].")
    page.context.clear_cookies(name="sessionid")  # the session expired meanwhile

    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", name="Not saved: you were signed out")).to_be_visible()
    expect(page.get_by_label("A section: text")).to_have_value("Written all afternoon [5].")
    assert axe_problems(page) == []
    assert Section.objects.get(article=article, position=5).body == "Finding 5 [5]."
