"""The shared page cache (issue 22, item 1): a page rendered by one worker is served to any
other from the cache framework's shared store, with the version probe and no template work;
a cache that is down costs a render, never an error page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from articles.models import Article
from editorial import workflow
from editorial.public import page_cache
from editorial.public.selectors import visibility
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, editor_user

pytestmark = pytest.mark.django_db


def test_the_test_and_embedded_caches_are_shared_between_processes():
    # a per-process memory cache would make every worker render every page again
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend.endswith(("FileBasedCache", "DatabaseCache", "RedisCache"))


def test_a_page_another_worker_rendered_costs_one_query_and_no_template(
    django_assert_num_queries,
):
    article = ArticleFactory(approved=True)
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        first = Client().get(article_url(article))  # worker A renders and stores the page
    assert first.status_code == 200
    assert "public/article_detail.html" in [t.name for t in first.templates]
    (page_key,) = [c.args[0] for c in stored.call_args_list if c.args[0].startswith("public-art")]
    assert cache.get(page_key) == first.content  # in the shared store, keyed by version
    visibility.page_version.cache_clear()  # worker B: nothing of A's in its memory
    with (
        mock.patch("editorial.public.views._article_detail_render") as render,
        django_assert_num_queries(1),  # the version probe
    ):
        second = Client().get(article_url(article))
    render.assert_not_called()
    assert second.status_code == 200
    assert second.content == first.content


def test_a_cache_that_is_down_costs_a_render_not_an_error(client):
    article = ArticleFactory(approved=True)
    down = ConnectionError("cache server refused the connection")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
    ):
        response = client.get(article_url(article))
        index = client.get("/")
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert index.status_code == 200


# --- this process's copies (PUBLIC_PAGE_LOCAL_SECONDS) ---


@pytest.fixture
def local_copies(settings):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 60
    page_cache._LOCAL_PAGES.clear()
    yield
    page_cache._LOCAL_PAGES.clear()


def _shared_reads(reads) -> int:
    pages = ("public-article", "public-index")
    return len([c for c in reads.call_args_list if c.args[0].startswith(pages)])


def test_a_page_this_worker_served_costs_the_probe_and_no_cache_read(
    local_copies, django_assert_num_queries
):
    article = ArticleFactory(approved=True)
    first = Client().get(article_url(article))
    index = Client().get("/")
    with (
        mock.patch.object(cache, "get", wraps=cache.get) as reads,
        django_assert_num_queries(1),  # the version probe still runs on every view
    ):
        again = Client().get(article_url(article))
    assert _shared_reads(reads) == 0
    assert again.content == first.content
    with mock.patch.object(cache, "get", wraps=cache.get) as reads:
        assert Client().get("/").content == index.content
    assert _shared_reads(reads) == 0


def test_no_local_copy_outlives_an_archive_or_a_change_of_the_article(local_copies):
    article = ArticleFactory(approved=True)
    assert Client().get(article_url(article)).status_code == 200
    assert article.title in Client().get("/").content.decode()
    workflow.article_archive(article=article, actor=editor_user(), reason="withdrawn")
    assert Client().get(article_url(article)).status_code == 410
    assert article.title not in Client().get("/").content.decode()

    other = ArticleFactory(approved=True)
    Client().get(article_url(other))
    # a snapshot changed outside the workflow (no save of the article's times) is a new page
    snapshot = {**other.approved_snapshot, "summary": "Changed behind the workflow's back."}
    Article.objects.filter(pk=other.pk).update(approved_snapshot=snapshot)
    assert "Changed behind" in Client().get(article_url(other)).content.decode()


def test_local_copies_expire_and_stay_bounded(local_copies, settings):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 60
    for n in range(page_cache.LOCAL_PAGES_MAX + 10):
        page_cache.page_set(f"public-test:{n}", b"page")
    assert len(page_cache._LOCAL_PAGES) <= page_cache.LOCAL_PAGES_MAX
    assert "public-test:0" not in page_cache._LOCAL_PAGES  # the oldest went first
    key = f"public-test:{page_cache.LOCAL_PAGES_MAX + 9}"
    page_cache._LOCAL_PAGES[key] = (b"old", 0.0)  # expired: read from the shared cache
    assert page_cache.page_get(key) == b"page"


def test_expired_local_copies_are_dropped_as_new_ones_arrive(local_copies, settings):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 60
    page_cache.page_set("public-test:stale", b"page")
    page_cache.page_set("public-test:fresh", b"page")
    page_cache._LOCAL_PAGES["public-test:stale"] = (b"page", 0.0)  # its time is up
    page_cache.page_set("public-test:new", b"page")
    assert list(page_cache._LOCAL_PAGES) == ["public-test:fresh", "public-test:new"]


def test_a_page_from_the_cache_has_the_headers_of_a_rendered_one():
    article = ArticleFactory(approved=True)
    for url in (article_url(article), "/"):
        rendered, cached = Client().get(url), Client().get(url)
        assert cached.content == rendered.content
        assert dict(cached.headers) == dict(rendered.headers)
        assert "no-cache" in cached.headers["Cache-Control"]
        assert "Content-Security-Policy" in cached.headers
    assert Client().get(article_url(article)).headers["Vary"] == "Cookie"
