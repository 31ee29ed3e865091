"""Issue 20 point 5: every view that takes an article id applies the article's visibility. The
crawl walks every admin URL of the article admin (and the author UI's article URLs) as each
role; those who may not see the draft get 403/404 and never its text."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from articles.models import Article
from editorial.access.roles import AUTHORS
from tests.factories import ArticleFactory, BoardMemberFactory, UserFactory, editor_user

pytestmark = pytest.mark.django_db

SECRET = "Unpublished secret question about drug Q?"
PARAMS = {"action": "submit", "str:action": "submit", "export": "timeline.csv"}


def _article_admin_urls(article: Article) -> list[str]:
    history_id = article.history.order_by("history_id").first().history_id
    urls = []
    for pattern in admin.site._registry[Article].get_urls():
        route = str(pattern.pattern)
        if not route or route.startswith("add/"):
            continue
        if route.startswith("^"):  # simple-history's form view: ^([^/]+)/history/([^/]+)/$
            urls.append(f"/admin/articles/article/{article.pk}/history/{history_id}/")
            continue
        path = re.sub(r"<(?:int:)?pk>|<path:object_id>", str(article.pk), route)
        path = re.sub(r"<int:\w+>", "1", path)  # another object of the article (an assignment)
        path = re.sub(r"<(?:str:)?(\w+)>", lambda m: PARAMS.get(m.group(1), "x"), path)
        urls.append(f"/admin/articles/article/{path}")
    return urls


def _author_urls(article: Article) -> list[str]:
    urls = []
    for name in ("article_editor", "article_check", "article_revise", "article_history"):
        from django.urls import reverse

        urls.append(reverse(f"author:{name}", args=[article.pk]))
    return urls


def _outsiders():
    other_author = UserFactory(username="crawl-other-author", groups=[AUTHORS])
    stranger_reviewer = BoardMemberFactory(user__username="crawl-reviewer").user
    staff_with_view = UserFactory(username="crawl-staff")
    staff_with_view.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    return {
        "another author": other_author,
        "an unassigned reviewer": stranger_reviewer,
        "staff with view permission": staff_with_view,
    }


def test_every_article_url_refuses_those_who_may_not_see_the_draft(client):
    article = ArticleFactory(title=SECRET)
    urls = _article_admin_urls(article) + _author_urls(article)
    assert any("/history/" in u for u in urls) and any("/audit/" in u for u in urls)
    leaks = []
    for role, user in _outsiders().items():
        client.force_login(user)
        for url in urls:
            for method in ("get", "post"):
                data = {"reason": "x", "decision": "approved"}
                response = getattr(client, method)(url, data)
                if response.status_code == 302 and url.endswith(f"/{article.pk}/"):
                    # Django's old-style object URL redirects to the change page: follow it
                    response = client.get(response["Location"])
                body = response.content.decode(errors="replace")
                if response.status_code == 405:  # this view takes the other method
                    continue
                if response.status_code not in (403, 404) or SECRET in body:
                    leaks.append(f"{role}: {method.upper()} {url} -> {response.status_code}")
    article.refresh_from_db()
    assert article.status == "draft"
    assert not leaks, "\n".join(leaks)


def test_the_author_and_an_editor_see_the_history(client):
    article = ArticleFactory(title=SECRET)
    history_id = article.history.first().history_id
    for user in (article.author, editor_user()):
        client.force_login(user)
        assert client.get(f"/admin/articles/article/{article.pk}/history/").status_code == 200
        page = client.get(f"/admin/articles/article/{article.pk}/history/{history_id}/")
        assert page.status_code == 200 and SECRET in page.content.decode()
