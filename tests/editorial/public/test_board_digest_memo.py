"""Each process keeps the board's digest for PUBLIC_BOARD_DIGEST_MEMO_SECONDS (issue 22): a
cached page view then reads nothing but its probe and its page."""

from __future__ import annotations

from unittest import mock

import pytest

from editorial.public.selectors import directory
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memo():
    directory._DIGEST_MEMO.clear()
    yield
    directory._DIGEST_MEMO.clear()


def test_the_digest_is_read_from_the_shared_cache_once_while_the_memo_lasts(settings):
    settings.PUBLIC_BOARD_DIGEST_MEMO_SECONDS = 60
    first = directory.board_digest()
    with mock.patch.object(directory.cache, "get", side_effect=AssertionError("cache read")):
        assert directory.board_digest() == first


def test_without_the_memo_every_call_reads_the_shared_cache(settings):
    settings.PUBLIC_BOARD_DIGEST_MEMO_SECONDS = 0
    directory.board_digest()
    with mock.patch.object(directory.cache, "get", return_value="from-the-cache") as read:
        assert directory.board_digest() == "from-the-cache"
    assert read.called


def test_a_board_change_in_this_process_reaches_its_pages_at_once(client, settings):
    settings.PUBLIC_BOARD_DIGEST_MEMO_SECONDS = 60
    article = ArticleFactory(approved=True)
    member = ReviewAssignment.objects.get(article=article).reviewer
    before = client.get(article_url(article))
    DisclosureFactory(member=member, organisation="Roche", kind="speaker")
    after = client.get(article_url(article))

    assert before["ETag"] != after["ETag"]
    assert "Roche" in after.content.decode()
    assert "Roche" not in before.content.decode()


def test_another_process_change_reaches_pages_when_the_memo_expires(client, settings):
    settings.PUBLIC_BOARD_DIGEST_MEMO_SECONDS = 60
    article = ArticleFactory(approved=True)
    first = client.get(article_url(article))["ETag"]
    key, (digest, _) = next(iter(directory._DIGEST_MEMO.items()))
    # another worker changed the board: the shared digest moved, this process's memo did not
    directory.cache.set(key, "another-workers-digest", 300)
    assert client.get(article_url(article))["ETag"] == first
    directory._DIGEST_MEMO[key] = (digest, 0.0)  # expired
    assert client.get(article_url(article))["ETag"] != first
