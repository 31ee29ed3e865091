"""The list and status endpoints cost the same number of queries with 10 or 1,000 articles
(and with more assignments and flags on the article)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Source
from editorial.models import StalenessFlag
from reviewers.models import ReviewAssignment
from tests.editorial.api.helpers import Api, make_key
from tests.factories import ArticleFactory, BoardMemberFactory

pytestmark = pytest.mark.django_db


def _articles(author, n: int, start: int = 0) -> None:
    now = timezone.now()
    Article.objects.bulk_create(
        Article(title=f"Q{i}?", slug=f"bulk-{i}", author=author, updated_at=now)
        for i in range(start, start + n)
    )


def _queries(api: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("who", ["author", "editor"])
def test_list_queries_do_not_grow_with_articles(request, who):
    user = request.getfixturevalue(who)
    _, key = make_key(user)
    api = Api(key)
    api.get("/articles")  # the key's last-used time is written at most once a minute
    _articles(request.getfixturevalue("author"), 10)
    # the key (with its client and user), the user's groups, one page of articles
    with_10 = _queries(api, "/articles?limit=200")
    assert with_10 == 3
    _articles(request.getfixturevalue("author"), 990, start=10)
    assert _queries(api, "/articles?limit=200") == with_10
    page = api.get("/articles?limit=200").json()
    assert len(page["items"]) == 200
    assert _queries(api, f"/articles?limit=200&cursor={page['next_cursor']}") == with_10
    assert _queries(api, "/articles?state=draft&updated_since=2020-01-01T00:00:00Z") == with_10


def test_cursor_walks_every_article_once(author):
    _, key = make_key(author)
    api = Api(key)
    _articles(author, 25)  # all with the same updated_at: the id breaks ties
    seen, cursor = [], ""
    while True:
        page = api.get(f"/articles?limit=7{'&cursor=' + cursor if cursor else ''}").json()
        seen += [a["slug"] for a in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(f"bulk-{i}" for i in range(25))
    bad = api.get("/articles?cursor=nonsense")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "cursor"


def test_status_queries_do_not_grow(author):
    _, key = make_key(author)
    api = Api(key)
    article = ArticleFactory(author=author, under_review=True)
    api.get(f"/articles/{article.slug}/status")
    _articles(author, 10)
    # key, groups, the article, its assignments (with names), its open flags
    small = _queries(api, f"/articles/{article.slug}/status")
    assert small == 5
    _articles(author, 990, start=10)
    source = Source.objects.first()
    for _ in range(4):
        ReviewAssignment.objects.create(
            article=article, reviewer=BoardMemberFactory(), round=article.review_round,
            comment="Please cite the 2026 guideline.", decision="changes_requested",
        )  # fmt: skip
    StalenessFlag.objects.create(article=article, source=source, to_version="2", reason="x")
    assert _queries(api, f"/articles/{article.slug}/status") == small
    body = api.get(f"/articles/{article.slug}/status").json()
    assert len(body["assignments"]) == 5
    assert len(body["comments"]) == 4
    assert body["staleness_flags"][0]["to_version"] == "2"
