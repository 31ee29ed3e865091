"""A reviewer signs a decision in a real browser: a wrong password records nothing, the right
one signs (the decision form posts on its own, outside the admin's change form)."""

import pytest

from reviewers.models import Signature
from tests.board import member, start_review
from tests.conftest import browser_login
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_approval(page, password: str) -> None:
    form = page.locator("#decision form")
    form.locator("input[value=approved]").check()
    for name in ("authorship", "attribution", "disclosure", "currency"):
        form.locator(f"input[name={name}]").check()
    form.locator("select[name=grade_certainty]").select_option("high")
    form.locator("input[name=password]").fill(password)
    form.locator("input[type=submit]").click()


def test_reviewer_signs_an_approval_with_their_password_in_the_browser(browser_page, live_server):
    reviewer = member("MD", user__username="signer")
    article = ArticleFactory()
    start_review(article, [reviewer])
    page = browser_page
    browser_login(page, live_server, "signer")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    fill_approval(page, "wrong-password")
    page.wait_for_selector("text=Your password was not correct; nothing was recorded.")
    assert not Signature.objects.exists()
    fill_approval(page, "pw-correct-horse")
    page.wait_for_selector("text=Your decision was recorded.")
    assert Signature.objects.get().checklist["grade_certainty"] == "high"
