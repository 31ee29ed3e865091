"""The review desk in a real browser (Debian chromium, production CSP, axe-core on the new
pages): a wrong password keeps what the reviewer typed, the diff marks an edited sentence, an
editor bulk-assigns three articles, a decline reaches the editors and their link replaces the
reviewer, an unassigned reviewer is told why, the staleness list fits 1280 px."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from articles.models import Citation
from editorial.models import StalenessFlag
from reviewers.models import ReviewAssignment, Signature
from tests.accessibility import axe_problems, require_axe
from tests.board import member, start_review
from tests.conftest import browser_login
from tests.editorial.admin.review_helpers import revised_after_approval
from tests.factories import ArticleFactory, SourceFactory, editor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def change(live_server, article) -> str:
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def test_a_wrong_password_keeps_the_comment_and_the_checklist(browser_page, live_server):
    require_axe()
    reviewer = member("MD", user__username="careful")
    article = ArticleFactory()
    start_review(article, [reviewer])
    page = browser_page
    browser_login(page, live_server, "careful")
    page.goto(change(live_server, article))
    form = page.locator("#decision form")
    form.locator("input[value=approved]").check()
    for name in ("authorship", "attribution", "disclosure"):
        form.locator(f"input[name={name}]").check()
    form.locator("select[name=grade_certainty]").select_option("moderate")
    form.locator("textarea[name=comment]").fill("Dose table checked against the label.")
    form.locator("input[name=password]").fill("not-my-password")
    form.locator("input[type=submit]").click()
    page.wait_for_selector("#id_password_error")
    assert "not correct" in page.inner_text("#id_password_error")
    assert "Confirm this" in page.inner_text("#id_currency_error")  # beside its field
    form = page.locator("#decision form")
    assert form.locator("textarea[name=comment]").input_value() == (
        "Dose table checked against the label."
    )
    assert form.locator("input[name=authorship]").is_checked()
    assert not form.locator("input[name=currency]").is_checked()
    assert form.locator("select[name=grade_certainty]").input_value() == "moderate"
    assert form.locator("input[value=approved]").is_checked()
    assert form.locator("input[name=password]").input_value() == ""
    assert not Signature.objects.exists()
    assert axe_problems(page) == []
    # the form sits beside the article on a wide screen
    aside, article_box = (
        page.locator("#decision").bounding_box(),
        page.locator(".review-main").bounding_box(),
    )
    assert aside["x"] > article_box["x"] + article_box["width"] - 1
    form.locator("input[name=currency]").check()
    form.locator("input[name=password]").fill("pw-correct-horse")
    form.locator("input[type=submit]").click()
    page.wait_for_selector("text=Your decision was recorded.")
    assert Signature.objects.get().checklist["grade_certainty"] == "moderate"


def test_the_diff_marks_an_edited_sentence(browser_page, live_server):
    reviewer = member("MD", user__username="differ")
    article = revised_after_approval(
        reviewer, old="Take 10 mg daily [1].", new="Take 20 mg daily [1]."
    )
    page = browser_page
    browser_login(page, live_server, "differ")
    page.goto(change(live_server, article))
    assert page.locator("#panel-reader").is_visible()
    assert not page.locator("#panel-diff-approved").is_visible()
    page.click("text=Changes since approved")
    panel = page.locator("#panel-diff-approved")
    assert panel.is_visible()
    assert panel.locator("del").first.inner_text() == "10"
    assert panel.locator("ins").first.inner_text() == "20"
    page.click("text=Source text")
    assert "Take 20 mg daily [1]." in page.inner_text("#panel-source")


def test_an_editor_bulk_assigns_three_articles(browser_page, live_server):
    editor_user(username="bulk-editor")
    articles = [ArticleFactory(submitted=True) for _ in range(3)]
    reviewer = member("MD", user__first_name="Bulk", user__last_name="Reviewer")
    page = browser_page
    browser_login(page, live_server, "bulk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/?status__exact=submitted")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "bulk_assign")
    page.click("button[name=index]")
    page.wait_for_selector("#bulk-form")
    page.check(f"#bulk-form input[name=reviewers][value='{reviewer.pk}']")
    page.click("#bulk-form input[type=submit]")
    page.wait_for_selector("#bulk-results")
    assert page.locator("#bulk-results tr.bulk-ok").count() == 3
    assert page.locator("#bulk-results tr.bulk-failed").count() == 0
    assert (
        ReviewAssignment.objects.filter(
            reviewer=reviewer, article__in=articles, article__status="under_review"
        ).count()
        == 3
    )


def test_a_decline_reaches_the_editors_and_the_replacement_works(browser_page, live_server):
    editor = editor_user(username="desk-editor")
    decliner = member("MD", user__username="decliner", user__last_name="Aaronson")
    nextup = member("MD", user__last_name="Zed")
    article = ArticleFactory()
    start_review(article, [decliner])
    mail.outbox.clear()
    page = browser_page
    browser_login(page, live_server, "decliner")
    page.goto(change(live_server, article))
    form = page.locator("#decision form")
    form.locator("input[value=declined]").check()
    form.locator("textarea[name=comment]").fill("On leave until March.")
    form.locator("input[name=password]").fill("pw-correct-horse")
    form.locator("input[type=submit]").click()
    page.wait_for_selector("text=Your decision was recorded.")
    (notice,) = [m for m in mail.outbox if editor.email in m.to]
    link = re.search(r"https?://\S+/replace/\d+/", notice.body).group(0)
    page.context.clear_cookies()
    browser_login(page, live_server, "desk-editor")
    page.goto(live_server.url + urlsplit(link).path)
    page.click("#replace-submit")
    page.wait_for_selector("text=replaced by")
    assert ReviewAssignment.objects.filter(
        article=article, reviewer=nextup, decision="pending"
    ).exists()


def test_an_unassigned_reviewer_sees_the_styled_refusal(browser_page, live_server):
    member("MD", user__username="outsider")
    article = ArticleFactory()
    start_review(article, [member("DO")])
    page = browser_page
    browser_login(page, live_server, "outsider")
    response = page.goto(change(live_server, article))
    assert response.status == 403
    assert "You are not assigned to review this article." in page.inner_text("#refusal")
    assert page.locator("#site-name").is_visible()  # the admin's look
    assert "deleted" not in page.content()


def test_staleness_flags_show_source_versions_and_article_at_1280px(browser_page, live_server):
    editor_user(username="flag-editor")
    article = ArticleFactory(
        approved=True,
        title="Should adults over seventy-five with no cardiovascular disease start a statin "
        "for primary prevention, and at which dose?",
    )
    source = article.citations.get().source
    source.title = "ACC/AHA Guideline on the Management of Blood Cholesterol: a report " * 2
    source.save()
    StalenessFlag.objects.create(
        article=article,
        source=source,
        from_version="2018",
        to_version="2026.1",
        reason="new version recorded",
    )
    page = browser_page
    browser_login(page, live_server, "flag-editor")
    page.goto(f"{live_server.url}/admin/editorial/stalenessflag/")
    row = page.locator("#result_list tbody tr").first
    for cell in ("field-article_short", "field-source_short", "field-version_change"):
        box = row.locator(f".{cell}").bounding_box()
        assert box["x"] + box["width"] <= 1280, cell
    assert "2018 → 2026.1" in row.inner_text()
    button = row.locator("a.button", has_text="Resolve")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 1280
    button.click()
    page.wait_for_selector("text=Resolve staleness flags")


def test_article_page_with_a_citation_warning_and_history_page_keep_the_csp(
    browser_page, live_server
):
    # browser_page fails the test on any Content-Security-Policy console violation
    editor_user(username="csp-editor")
    article = ArticleFactory()
    section = article.sections.get()
    section.body = "First [2]. Then [1]."
    section.save()
    Citation.objects.create(article=article, number=2, source=SourceFactory())
    page = browser_page
    browser_login(page, live_server, "csp-editor")
    page.goto(change(live_server, article))
    assert "citation-order" in page.inner_text(".field-citation_check")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    page.wait_for_selector("#change-history")
