"""The demo article page in a real browser (Debian's chromium through Playwright): screenshots
in tests/artifacts/ for a person to look at, and what a reader can click."""

from pathlib import Path

import pytest

from editorial.demo.seed import seed_demo

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DEMO_SLUG = "second-line-hr-positive-her2-low-breast-cancer"

# the live server needs committed data (the role groups come back after each flush);
# conftest skips browser tests without /usr/bin/chromium locally and fails them in CI
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page):
    seed_demo()
    return browser_page


def test_demo_pages_render_in_a_real_browser_with_working_links(page, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    failed: list[str] = []  # every asset the page needs loads (the browser's favicon probe aside)
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    response = page.goto(f"{live_server.url}/articles/{DEMO_SLUG}/")
    assert response.status == 200
    page.screenshot(path=str(ARTIFACTS / "public_article.png"), full_page=True)

    assert page.locator("h1").inner_text().startswith("What is the second-line treatment")
    assert page.get_by_text("Medically reviewed by").is_visible()
    assert page.locator(".reviewer__name").count() >= 2
    assert page.locator('.tracker__step[aria-current="step"]').inner_text().strip() == "Approved"
    # the stylesheet loaded: the layout has its sidebar next to the content
    aside = page.locator(".article__aside").bounding_box()
    main = page.locator(".article__main").bounding_box()
    assert aside["x"] > main["x"] + main["width"] - 1

    page.locator('sup.cite a[href="#ref-6"]').first.click()
    assert page.evaluate("location.hash") == "#ref-6"
    assert page.locator("#ref-6").is_visible()
    assert failed == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/articles/{DEMO_SLUG}/")
    page.screenshot(path=str(ARTIFACTS / "public_article_mobile.png"), full_page=True)

    # one browser session for the index and the pending page too: the seed is the slow part
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(ARTIFACTS / "public_index.png"), full_page=True)
    page.fill("#search-q", "metformin")
    page.click(".search__button")
    assert page.locator(".article-card").count() == 1
    page.click(".article-card__title a")
    assert page.get_by_text("Educational purpose only").is_visible()
    assert page.locator(".badge--reviewed").count() == 0
    page.screenshot(path=str(ARTIFACTS / "public_article_pending.png"), full_page=True)
