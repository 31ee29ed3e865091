"""Issue 21 in a real browser (Debian's chromium, production CSP): a reader asks and reports,
an editor triages and the audit trail shows it, the audience toggle, search; every public page
passes axe-core (0 critical/serious) and the W3C Nu checker (0 errors), and works with CSS and
images off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from editorial.demo import content
from editorial.demo.seed import seed_demo
from editorial.models import ReaderFeedback
from tests.accessibility import axe_problems, require_axe
from tests.axe import axe_violations
from tests.html_check import nu_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = "/articles/second-line-hr-positive-her2-low-breast-cancer/"
PENDING = "/articles/metformin-dosing-chronic-kidney-disease/"


@pytest.fixture
def page(browser_page):
    seed_demo()
    return browser_page


def _ask(page, url: str, kind: str, message: str, email: str = "") -> None:
    page.goto(url + DEMO)
    link = "Ask our editors a question" if kind == "question" else "Report a problem"
    page.get_by_role("link", name=re.compile(link)).click()
    page.locator(f"input[name=kind][value={kind}]").check()
    page.fill("textarea[name=message]", message)
    if email:
        page.fill("input[name=email]", email)
    page.get_by_role("button", name="Send").click()


def test_reader_asks_and_reports_and_the_editor_triages_into_the_audit_trail(page, live_server):
    url = live_server.url
    _ask(page, url, "question", "Does this apply to men?", email="reader@example.org")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    _ask(page, url, "possible_error", "<script>alert(1)</script> the dose in [4] looks wrong")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert ReaderFeedback.objects.count() == 2

    # bad input: a clear message on the page, nothing stored
    page.goto(url + f"/articles/{DEMO.split('/')[2]}/feedback/?kind=other")
    page.locator("input[name=kind][value=other]").check()
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("Write your question or describe the problem.").is_visible()
    assert ReaderFeedback.objects.count() == 2

    page.goto(url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", content.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.goto(url + "/admin/editorial/readerfeedback/?open=yes&kind__exact=possible_error")
    page.locator("#result_list tbody tr a").first.click()
    # the reader's words are text, never markup
    assert "<script>alert(1)</script> the dose" in page.locator(".field-message").inner_text()
    page.select_option("select[name=disposition]", "corrected")
    page.fill("textarea[name=resolution_note]", "Corrected in the next revision.")
    page.click("input[name=_save]")
    report = ReaderFeedback.objects.get(kind="possible_error")
    assert (report.disposition, report.resolved_by.username) == ("corrected", "editor")

    page.goto(url + f"/admin/articles/article/{report.article_id}/audit/")
    trail = page.locator("body").inner_text()
    assert "reader feedback: a possible error" in trail
    assert "disposition: corrected" in trail


def test_editor_passes_a_problem_report_to_the_board_in_one_click(page, live_server):
    require_axe()
    url = live_server.url
    _ask(page, url, "outdated", "A 2027 guideline replaced the dosing table.")
    report = ReaderFeedback.objects.get(kind="outdated")
    page.goto(url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", content.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.goto(url + f"/admin/editorial/readerfeedback/{report.pk}/change/")
    assert axe_problems(page) == []  # the admin page (axe's own probes kept off the CSP list)
    with page.expect_navigation():  # the button posts; the page comes back with the message
        page.get_by_role("button", name="Raise a concern with the board").click()
    expect(page.get_by_text(re.compile(r"Passed to the board: concern #\d+"))).to_be_visible()
    assert page.get_by_role("button", name="Raise a concern with the board").count() == 0
    assert axe_problems(page) == []
    report.refresh_from_db()
    assert report.concern is not None and "A 2027 guideline" in report.concern.detail

    # readers see the board re-reviewing, not the unqualified badge
    page.goto(url + DEMO)
    assert page.locator("article[data-review-state=stale]").count() == 1
    assert page.get_by_text("A reader reported a possible problem").is_visible()
    assert page.get_by_text("Reviewed for accuracy by our board").count() == 0
    assert axe_violations(page) == []


def test_the_toggle_switches_body_and_disclaimer_without_javascript(browser_page, live_server):
    seed_demo()
    page = browser_page
    page.context.clear_cookies()
    page.goto(live_server.url + DEMO)
    assert page.get_by_role("heading", name="Professional medical disclaimer").is_visible()
    page.get_by_role("link", name="Patient or caregiver").click()
    assert page.get_by_role("heading", name="What this means for you").is_visible()
    assert page.get_by_role("heading", name="Information, not medical advice").is_visible()
    assert page.get_by_role("heading", name="From the FDA Drug Label").count() == 0
    page.goto(live_server.url + DEMO)  # remembered
    assert page.get_by_role("heading", name="What this means for you").is_visible()
    page.get_by_role("link", name="Healthcare professional").click()
    assert page.get_by_role("heading", name="From the FDA Drug Label").is_visible()


@pytest.mark.parametrize("query", ["HER2 low", "metformin kidney", "cancer breast", "her2-low"])
def test_search_finds_the_demo_article_in_the_browser(page, live_server, query):
    page.goto(live_server.url + "/")
    page.fill("#search-q", query)
    page.click(".search__button")
    first = page.locator(".article-card").first
    assert first.locator("mark").count() >= 1
    expected = "metformin" if "metformin" in query else "HER2-low"
    assert expected.lower() in first.locator("h3").inner_text().lower()


def _public_pages(live_server) -> dict[str, str]:
    slug = DEMO.split("/")[2]
    return {
        "index": "/",
        "search": "/?q=HER2+low",
        "search-empty": "/?q=zzzz",
        "specialty": "/?specialty=oncology",
        "article": DEMO + "?audience=clinician",
        "article-patient": DEMO + "?audience=patient",
        "pending": PENDING,
        "policy": "/editorial-policy/",
        "feedback": f"/articles/{slug}/feedback/?kind=question",
        "feedback-sent": f"/articles/{slug}/feedback/sent/",
        "not-found": "/articles/no-such-article/",
    }


def test_every_public_page_passes_axe_and_the_nu_checker(page, live_server):
    problems: dict[str, list] = {}
    for name, path in _public_pages(live_server).items():
        page.goto(live_server.url + path)
        found = axe_violations(page)
        if found:
            problems[name] = found
    # the form after a failed post (errors shown) too
    page.goto(live_server.url + _public_pages(live_server)["feedback"])
    page.get_by_role("button", name="Send").click()
    problems.update({"feedback-errors": v} if (v := axe_violations(page)) else {})
    assert problems == {}
    raw = {name: _raw(live_server, path) for name, path in _public_pages(live_server).items()}
    assert nu_errors(raw) == {}


def _raw(live_server, path: str) -> str:
    """The HTML as served (the Nu checker reads markup, not the browser's DOM)."""
    from django.test import Client

    return Client().get(path, HTTP_HOST=live_server.url.split("//")[1]).content.decode()


def test_public_pages_work_with_css_and_images_off(page, live_server):
    page.route(re.compile(r".*\.(css|png|jpe?g|svg|gif|webp)(\?.*)?$"), lambda r: r.abort())
    page.goto(live_server.url + DEMO)
    assert page.get_by_role("heading", level=1).is_visible()
    page.get_by_role("link", name="Patient or caregiver").click()
    assert page.get_by_role("heading", name="What this means for you").is_visible()
    _ask(page, live_server.url, "outdated", "A newer guideline exists.")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert ReaderFeedback.objects.filter(kind="outdated").count() == 1
    page.goto(live_server.url + "/")
    page.fill("#search-q", "her2-low")
    page.click(".search__button")
    assert page.locator(".article-card").count() >= 1
