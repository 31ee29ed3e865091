"""A real browser (Debian's chromium through Playwright) writes, cites, checks and submits."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.models import Article
from editorial.access.roles import AUTHORS
from tests.factories import SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _cite_from_library(page, query: str) -> None:
    page.fill("#id_nc-query", query)
    page.locator("#source-results input[type=radio]").first.check()
    page.get_by_role("button", name="Add citation").click()
    page.wait_for_load_state()


def test_author_writes_cites_fixes_and_submits_in_a_browser(live_server, browser_page):
    from playwright.sync_api import expect

    page = browser_page

    UserFactory(username="author", first_name="Maya", last_name="Fischer", groups=[AUTHORS])
    SourceFactory(title="PALOMA-3 trial report")
    SourceFactory(title="MONARCH 2 trial report")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill("pw-correct-horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My articles")).to_be_visible()

    page.get_by_role("link", name="New article").first.click()
    page.get_by_label("Clinical question").fill(
        "Which second-line therapy suits HR-positive, HER2-low breast cancer?"
    )
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Sections")).to_be_visible()

    for n, (kind, heading) in enumerate(
        (("key_points", "Key points"), ("research", "From the Research")), start=1
    ):
        page.select_option("#id_ns-kind", kind)
        page.fill("#id_ns-heading", heading)
        page.get_by_role("button", name="Add section").click()
        expect(page.get_by_text(f"Section {n} · {heading}")).to_be_visible()
    bodies = page.locator("textarea[name$='-body']")
    expect(bodies).to_have_count(2)

    bodies.nth(0).fill("Adding a CDK4/6 inhibitor to fulvestrant lengthened survival [1, 2].")
    bodies.nth(1).fill("PALOMA-3 [1] and MONARCH 2 [2] agree; a third trial adds [4].")
    checks = page.locator("#checks")
    problems = checks.locator(".problems")
    expect(problems.get_by_text("has no citation numbered 4")).to_be_visible()  # live, unsaved
    expect(page.locator("#preview-" + _section_pk(page, 1))).to_contain_text("PALOMA-3 [1]")

    _cite_from_library(page, "PALOMA")
    _cite_from_library(page, "MONARCH")
    page.get_by_text("Source not in the library? Add it and cite it").click()
    page.select_option("#id_src-kind", "journal_article")
    page.fill("#id_src-title", "SOLAR-1: alpelisib for PIK3CA-mutated breast cancer")
    page.fill("#id_src-doi", "10.1056/NEJMoa1813904")
    page.get_by_role("button", name="Add source and cite").click()
    expect(page.locator(".citation")).to_have_count(3)
    expect(problems.get_by_text("has no citation numbered 4")).to_be_visible()  # saved, still wrong
    expect(page.locator(".submit-box button")).to_be_disabled()

    bodies.nth(1).fill("PALOMA-3 [1] and MONARCH 2 [2] agree; SOLAR-1 adds alpelisib [3].")
    expect(checks.get_by_text("Citations check out")).to_be_visible()
    submit = page.get_by_role("button", name="Submit for review")
    expect(submit).to_be_enabled()
    ARTIFACTS.mkdir(exist_ok=True)
    # a window as tall as the page: the sticky save bar rests at the bottom of the picture
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": height})
    page.screenshot(path=str(ARTIFACTS / "author-editor.png"))

    submit.click()
    expect(page.locator(".badge--submitted").first).to_be_visible()
    expect(page.get_by_text("Submitted for review", exact=False).first).to_be_visible()
    article = Article.objects.get()
    assert article.status == "submitted"
    assert [s.heading for s in article.sections.all()] == ["Key points", "From the Research"]
    assert article.citations.count() == 3


def _section_pk(page, index: int) -> str:
    """The id of the index-th section (0-based) from its fieldset's id."""
    return page.locator("fieldset.section-card").nth(index).get_attribute("id").split("-")[1]
