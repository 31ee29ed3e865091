"""The poller against a real HTTP server on 127.0.0.1: changed, unchanged, 304, timeout, 500."""

import logging

import pytest
from django.core.management import call_command

from articles.models import Citation, SourceVersion
from editorial.staleness.poller import poll_client, source_poll
from tests.editorial.source_server import SourceServer
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_polling(settings):
    settings.SOURCE_POLL_TIMEOUT = 0.5
    settings.SOURCE_POLL_RETRIES = 1
    settings.SOURCE_POLL_BACKOFF = 0
    settings.SOURCE_POLL_HOST_INTERVAL = 0


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


@pytest.fixture
def client():
    with poll_client() as http:
        yield http


def watched(server, path="/ng109", **page):
    """A guideline at `path`, cited by an approved article, already polled once."""
    server.serve(path, **page)
    source = SourceFactory(kind="guideline", url=server.url(path), current_version="2018")
    article = ArticleFactory(approved=True)
    Citation.objects.create(article=article, number=2, source=source)
    return source, article


def poll(source, client):
    source.refresh_from_db()
    return source_poll(source, client=client)


def test_first_poll_keeps_a_fingerprint_and_flags_nothing(server, client):
    source, article = watched(server)

    outcome = poll(source, client)

    assert outcome.status == "baseline"
    version = SourceVersion.objects.get(source=source)
    assert version.label == "2018" and len(version.content_hash) == 64
    article.refresh_from_db()
    assert article.status == "approved"


def test_changed_body_records_a_version_and_flags_the_citing_article(server, client):
    source, article = watched(server, last_modified="Mon, 23 Nov 2026 10:00:00 GMT")
    poll(source, client)
    server.pages["/ng109"].body = b"<h1>Guideline</h1> version 2: new first-line drug"

    outcome = poll(source, client)

    assert (outcome.status, outcome.flagged) == ("changed", 1)
    article.refresh_from_db()
    assert article.status == "stale"
    latest = source.versions.order_by("-recorded_at").first()
    assert latest.detected_by == "poller" and latest.label.startswith("detected ")
    assert str(latest.effective_on) == "2026-11-23"
    flag = article.staleness_flags.get()
    assert (flag.from_version, flag.to_version) == ("2018", latest.label)


def test_same_body_without_validators_is_unchanged(server, client):
    source, article = watched(server)
    poll(source, client)

    assert poll(source, client).status == "unchanged"
    assert source.versions.count() == 1
    article.refresh_from_db()
    assert article.status == "approved"


def test_etag_is_sent_back_and_a_304_is_unchanged(server, client):
    source, _ = watched(server, etag='"v1"')
    poll(source, client)

    outcome = poll(source, client)

    assert outcome.status == "unchanged" and outcome.detail == "not modified"
    assert server.pages["/ng109"].requests[-1]["If-None-Match"] == '"v1"'


def test_a_version_recorded_by_hand_is_fingerprinted_not_flagged_again(server, client, editor):
    from editorial.staleness.services import source_record_version

    source, article = watched(server)
    poll(source, client)
    server.pages["/ng109"].body = b"version 2"
    source_record_version(source=source, version="2024", actor=editor)  # the editor was first

    assert poll(source, client).status == "baseline"
    assert poll(source, client).status == "unchanged"
    assert article.staleness_flags.count() == 1


def test_timeout_is_retried_logged_and_changes_nothing(server, client, caplog):
    source, _ = watched(server, hang=True)

    with caplog.at_level(logging.WARNING, logger="editorial.staleness.poller"):
        outcome = poll(source, client)

    assert outcome.status == "failed" and "timed out" in outcome.detail
    assert len(server.pages["/ng109"].requests) == 2  # one retry
    assert any("attempt 1 of 2 failed (timed out" in m for m in caplog.messages)
    assert any(f"source poll failed: source {source.pk}" in m for m in caplog.messages)
    assert not SourceVersion.objects.exists()


def test_server_error_is_retried_then_reported(server, client, caplog):
    source, article = watched(server, status=500)

    with caplog.at_level(logging.WARNING, logger="editorial.staleness.poller"):
        outcome = poll(source, client)

    assert outcome.status == "failed" and outcome.detail == "HTTP 500 (after 2 attempts)"
    assert len(server.pages["/ng109"].requests) == 2
    article.refresh_from_db()
    assert article.status == "approved"


def test_not_found_is_not_retried(server, client):
    source, _ = watched(server, status=404)

    outcome = poll(source, client)

    assert outcome.status == "failed" and outcome.detail.startswith("HTTP 404")
    assert len(server.pages["/ng109"].requests) == 1


def test_check_sources_polls_every_source_with_a_progress_bar(server, capsys):
    _, article = watched(server, "/a")
    watched(server, "/b")
    SourceFactory(url="")  # nothing to poll
    call_command("check_sources")
    server.pages["/a"].body = b"changed"

    call_command("check_sources")

    out = capsys.readouterr().out
    assert "[##############################] 2/2" in out
    assert "Checked 2 source(s): 1 changed, 1 unchanged; 1 article(s) flagged stale." in out
    article.refresh_from_db()
    assert article.status == "stale"
