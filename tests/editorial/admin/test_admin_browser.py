"""A board reviewer approves in the admin, in a real browser (Debian's chromium)."""

from pathlib import Path

import pytest

from articles.models import Article
from editorial import workflow
from tests.conftest import browser_login
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_approves_from_my_reviews_in_the_browser(browser_page, live_server):
    member = BoardMemberFactory(user__username="ada", user__first_name="Ada", credentials="MD")
    article = ArticleFactory(submitted=True, title="Is drug X first line for condition Y?")
    workflow.review_assign(article=article, reviewers=[member], actor=editor_user())

    page = browser_page
    browser_login(page, live_server, "ada")
    assert "/admin/editorial/myreview/" in page.url
    page.click("a.button:text-is('Review')")
    page.check("input[value=approved]")
    for benchmark in ("authorship", "attribution", "disclosure", "currency"):
        page.check(f"input[name={benchmark}]")
    page.select_option("select[name=grade_certainty]", "moderate")
    page.fill("#decision input[name=password]", "pw-correct-horse")  # signing re-authenticates
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin_decision.png"), full_page=True)
    page.click("input[value='Sign and record decision']")
    page.wait_for_selector("text=Your decision was recorded.")

    assert Article.objects.get(pk=article.pk).status == "approved"
    assert "Your decision this round: Approved" in page.inner_text("#decision")
