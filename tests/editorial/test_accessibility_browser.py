"""Every admin and author page, under the production Content-Security-Policy, passes axe-core
with no critical and no serious violation (tests/accessibility.py injects the npm package).
The browser_page fixture fails the test on any CSP console violation as well."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from editorial import workflow
from editorial.models import StalenessFlag
from tests.accessibility import axe_problems, require_axe
from tests.board import article_with, member, start_review
from tests.conftest import browser_login
from tests.factories import ArticleFactory, SourceFactory, UserFactory, editor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_pages(page, live_server, urls: list[str], refusals: tuple[str, ...] = ()) -> list[str]:
    """axe-core on each page; a refusal (4xx) is checked only where listed in `refusals` (one
    403 page looks like the next: an add page of a read-only log need not be checked again)."""
    problems: list[str] = []
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        if response is None or response.status >= 500:
            problems.append(f"{url}: HTTP {response.status if response else '—'}")
            continue
        if response.status >= 400 and url not in refusals:
            continue
        problems += [f"{url}: {p}" for p in axe_problems(page)]
    return problems


def admin_model_pages() -> list[str]:
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add"):
            try:
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
            except NoReverseMatch:
                continue
    return urls


@pytest.fixture
def world(db):
    """An article at every stage, a stale one with a flag, an editor, a reviewer, an author."""
    require_axe()
    editor = editor_user(username="a11y-editor")
    reviewer = member("MD", user__username="a11y-reviewer")
    author = UserFactory(username="a11y-author", groups=["Authors"])
    draft = ArticleFactory(author=author)
    submitted = ArticleFactory(submitted=True, author=author)
    reviewing = article_with(label_issuer="Pfizer", author=author)
    (assignment,) = start_review(reviewing, [reviewer])
    stale = ArticleFactory(stale=True)
    source = stale.citations.get().source
    flag = StalenessFlag.objects.create(
        article=stale, source=source, from_version="1", to_version="2", reason="new version"
    )
    workflow.review_decide(
        assignment=assignment, decision="declined", comment="Away", actor=reviewer.user
    )
    start_review_again = member("DO", user__username="a11y-other")
    workflow.review_assign(article=reviewing, reviewers=[start_review_again], actor=editor)
    return {
        "draft": draft,
        "submitted": submitted,
        "reviewing": reviewing,
        "assignment": assignment,
        "stale": stale,
        "source": SourceFactory(retracted=True),
        "flag": flag,
    }


def test_admin_pages_pass_axe_for_an_editor(browser_page, live_server, world):
    browser_login(browser_page, live_server, "a11y-editor")
    w = world
    change = "admin:articles_article_change"
    urls = [
        reverse("admin:index"),
        *admin_model_pages(),
        *[reverse(change, args=[w[k].pk]) for k in ("draft", "submitted", "reviewing", "stale")],
        reverse(change, args=[w["reviewing"].pk]) + "?view=review",
        reverse("admin:articles_article_assign", args=[w["submitted"].pk]),
        reverse("admin:articles_article_replace", args=[w["reviewing"].pk, w["assignment"].pk]),
        reverse("admin:articles_article_audit", args=[w["reviewing"].pk]),
        reverse("admin:articles_article_history", args=[w["reviewing"].pk]),
        reverse("admin:articles_article_renumber_citations", args=[w["draft"].pk]),
        reverse("admin:articles_source_change", args=[w["source"].pk]),
        reverse("admin:articles_source_record_version", args=[w["source"].pk]),
        reverse("admin:articles_source_retract", args=[w["source"].pk]),
        reverse("admin:articles_source_import_versions"),
        reverse("admin:editorial_stalenessflag_change", args=[w["flag"].pk]),
        reverse("admin:editorial_stalenessflag_resolve") + f"?ids={w['flag'].pk}",
        reverse(change, args=[999999]),
        reverse("notification_preferences"),
    ]
    problems = check_pages(browser_page, live_server, urls, refusals=(urls[-2],))
    assert not problems, "\n".join(problems)


def test_review_and_refusal_pages_pass_axe_for_a_reviewer(browser_page, live_server, world):
    browser_login(browser_page, live_server, "a11y-other")
    urls = [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[world["reviewing"].pk]),
        reverse("admin:articles_article_change", args=[world["draft"].pk]),
    ]
    problems = check_pages(browser_page, live_server, urls, refusals=(urls[-1],))
    assert not problems, "\n".join(problems)


def test_author_pages_pass_axe(browser_page, live_server, world):
    browser_login(browser_page, live_server, "a11y-author")
    urls = [
        reverse("author:dashboard"),
        reverse("author:article_new"),
        reverse("author:article_editor", args=[world["draft"].pk]),
        reverse("author:article_editor", args=[world["submitted"].pk]),
        reverse("author:article_history", args=[world["draft"].pk]),
        reverse("admin:articles_article_audit", args=[world["draft"].pk]),
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[world["draft"].pk]),
    ]
    audit = reverse("admin:articles_article_audit", args=[world["draft"].pk])
    problems = check_pages(browser_page, live_server, urls, refusals=(audit,))
    assert not problems, "\n".join(problems)
