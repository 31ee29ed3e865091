"""A reviewer signs a decision in a real browser: the decision form must post on its own (it
once sat inside the admin's change form, where browsers drop nested forms)."""

import os
from pathlib import Path

import pytest

from reviewers.models import Signature
from tests.board import member, start_review
from tests.factories import ArticleFactory

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (scripts/ensure_browser.py)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # STACK-NOTES: live server + Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page()
        browser.close()


def test_reviewer_signs_an_approval_with_their_password_in_the_browser(page, live_server):
    reviewer = member("MD", user__username="signer")
    article = ArticleFactory()
    start_review(article, [reviewer])
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "signer")
    page.fill("#id_password", "pw-correct-horse")
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    form = page.locator("#decision form")
    form.locator("input[value=approved]").check()
    for name in ("authorship", "attribution", "disclosure", "currency"):
        form.locator(f"input[name={name}]").check()
    form.locator("select[name=grade_certainty]").select_option("high")
    form.locator("input[name=password]").fill("wrong-password")
    with page.expect_navigation():
        form.locator("input[type=submit]").click()
    assert "Your password was not correct" in page.content()
    assert not Signature.objects.exists()
    form = page.locator("#decision form")
    form.locator("input[value=approved]").check()
    for name in ("authorship", "attribution", "disclosure", "currency"):
        form.locator(f"input[name={name}]").check()
    form.locator("select[name=grade_certainty]").select_option("high")
    form.locator("input[name=password]").fill("pw-correct-horse")
    with page.expect_navigation():
        form.locator("input[type=submit]").click()
    assert "Your decision was recorded." in page.content()
    assert Signature.objects.get().checklist["grade_certainty"] == "high"
