"""The poller asks the registries (when lookups are on): a retraction notice flags at once, a
newer DailyMed label records a version. Registries are a local HTTP server."""

import json

import pytest

from articles.models import Citation
from editorial.staleness.poller import poll_client, source_poll, sources_to_poll
from tests.editorial.source_server import SourceServer
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db
SETID = "be4bc0de-0fdc-4d46-8d25-be43c79e6a06"


@pytest.fixture
def registries(settings):
    with SourceServer() as server:
        settings.CITATION_RESOLVERS_ENABLED = True
        settings.CROSSREF_API_URL = server.url("")
        settings.DAILYMED_API_URL = server.url("")
        settings.NCBI_EUTILS_URL = server.url("/eutils")
        settings.CITATION_RESOLVER_RETRIES = 0
        settings.CITATION_RESOLVER_BACKOFF = 0
        settings.CITATION_RESOLVER_INTERVAL = 0
        yield server


def approved_citing(source):
    article = ArticleFactory(approved=True)
    Citation.objects.create(article=article, number=2, source=source)
    return article


def poll(source):
    with poll_client() as client:
        return source_poll(source, client=client)


def test_retraction_notice_flags_the_citing_article_at_once(registries):
    source = SourceFactory(doi="10.1056/NEJMoa2999999")
    registries.serve(
        "/works/10.1056/NEJMoa2999999",
        body=json.dumps(
            {"message": {"title": ["A trial"], "updated-by": [{"type": "retraction", "DOI": "x"}]}}
        ).encode(),
    )
    article = approved_citing(source)

    outcome = poll(source)

    assert (outcome.status, outcome.flagged) == ("retracted", 1)
    article.refresh_from_db()
    assert article.status == "stale"
    assert article.staleness_flags.get().reason == "retracted"


def test_newer_dailymed_label_records_a_version(registries):
    source = SourceFactory(
        kind="drug_label", doi="", dailymed_setid=SETID, current_version="SPL version 12"
    )
    history = {"spl_version": 13, "published_date": "Nov 20, 2026"}
    registries.serve(
        f"/spls/{SETID}/history.json",
        body=json.dumps({"data": {"spl": {"title": "Drug X"}, "history": [history]}}).encode(),
    )
    article = approved_citing(source)

    outcome = poll(source)

    assert (outcome.status, outcome.flagged) == ("changed", 1)
    source.refresh_from_db()
    assert (source.current_version, str(source.version_date)) == ("SPL version 13", "2026-11-20")
    article.refresh_from_db()
    assert article.staleness_flags.get().to_version == "SPL version 13"
    assert poll(source).status == "unchanged"


def test_registry_failure_is_reported_and_changes_nothing(registries):
    source = SourceFactory(doi="10.1056/NEJMoa2888888")
    registries.serve("/works/10.1056/NEJMoa2888888", status=500)
    article = approved_citing(source)

    outcome = poll(source)

    assert outcome.status == "failed" and "Crossref" in outcome.detail
    article.refresh_from_db()
    assert article.status == "approved"


def test_registries_are_not_asked_while_lookups_are_off(settings):
    settings.CITATION_RESOLVERS_ENABLED = False
    SourceFactory(doi="10.1056/NEJMoa2777777", url="")

    assert not sources_to_poll().exists()


def test_a_retraction_found_by_verify_against_registry_flags_approved_articles(registries, editor):
    from editorial.staleness.source_verification import source_verify

    source = SourceFactory(doi="10.1056/NEJMoa2666666")
    registries.serve(
        "/works/10.1056/NEJMoa2666666",
        body=json.dumps({"message": {"title": ["RETRACTED: A trial"]}}).encode(),
    )
    article = approved_citing(source)

    source_verify(source=source, actor=editor)

    article.refresh_from_db()
    assert article.status == "stale"
    flag = article.staleness_flags.get()
    assert (flag.reason, flag.to_version) == ("retracted", "retracted")
    assert article.history.order_by("-history_id").first().history_user == editor
