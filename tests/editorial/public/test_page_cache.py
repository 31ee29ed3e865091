"""The shared page cache (issue 22, item 1): a page rendered by one worker is served to any
other from the cache framework's shared store, with the version probe and no template work;
a cache that is down costs a render, never an error page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from editorial.public.selectors import visibility
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory

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
