"""Resolvers against a local HTTP server: ok, mismatch data, retraction, 404, timeout, retry."""

from __future__ import annotations

from datetime import date

import pytest

from articles.resolvers import NotFound, ResolverConfig, ResolverError
from articles.resolvers.crossref import CrossrefResolver
from articles.resolvers.dailymed import DailyMedResolver
from articles.resolvers.matching import label_titles_match, titles_match
from articles.resolvers.pubmed import PubMedResolver
from tests.registry_server import crossref_work, dailymed_history, esummary, serve

DOI = "10.1056/NEJMoa1505270"
PMID = "26030518"
SETID = "f2c5b2a4-3c1e-4a8e-9a53-6d1f0c0b7a11"
TITLE = "Palbociclib in Hormone-Receptor\u2013Positive Advanced Breast Cancer"


@pytest.fixture
def registry():
    yield from serve()


@pytest.fixture
def config(registry):
    return ResolverConfig(
        crossref_url=f"{registry.url}/crossref",
        eutils_url=f"{registry.url}/eutils",
        dailymed_url=f"{registry.url}/dailymed",
        timeout=0.3,
        retries=1,
        backoff=0,
        contact_email="editors@example.org",
    )


def test_crossref_work_is_read(registry, config):
    registry.add(f"/crossref/works/{DOI}", crossref_work(DOI, TITLE))
    meta = CrossrefResolver(config).resolve(DOI)
    assert (meta.title, meta.year, meta.published_on) == (TITLE, 2015, date(2015, 7, 16))
    assert meta.issuer == "New England Journal of Medicine"
    assert not meta.is_retracted
    assert "mailto=editors%40example.org" in registry.hits[0]


def test_crossref_retraction_is_reported(registry, config):
    retracted = crossref_work(
        DOI,
        TITLE,
        **{"updated-by": [{"type": "retraction", "DOI": "10.1056/NEJMx999", "source": "x"}]},
    )
    registry.add(f"/crossref/works/{DOI}", retracted)
    meta = CrossrefResolver(config).resolve(DOI)
    assert meta.is_retracted
    assert meta.notices == ("Crossref records a retraction notice (10.1056/NEJMx999).",)


def test_crossref_unknown_doi_is_not_found(registry, config):
    with pytest.raises(NotFound):
        CrossrefResolver(config).resolve("10.9999/invented.2024")


def test_timeout_is_retried_then_reported(registry, config):
    registry.add(f"/crossref/works/{DOI}", hang=True)
    with pytest.raises(ResolverError, match=r"no answer within 0.3 s after 2 attempt"):
        CrossrefResolver(config).resolve(DOI)
    assert registry.hits_for(f"/crossref/works/{DOI}") == 2


def test_server_error_is_retried_and_can_succeed(registry, config):
    registry.add(f"/crossref/works/{DOI}", crossref_work(DOI, TITLE), fail_first=1)
    assert CrossrefResolver(config).resolve(DOI).title == TITLE
    assert registry.hits_for(f"/crossref/works/{DOI}") == 2


def test_answer_that_is_not_json_is_an_error(registry, config):
    registry.add(f"/crossref/works/{DOI}", "<html>maintenance</html>")
    with pytest.raises(ResolverError, match="not JSON"):
        CrossrefResolver(config).resolve(DOI)


def test_pubmed_summary_is_read(registry, config):
    registry.add("/eutils/esummary.fcgi", esummary(PMID, TITLE + "."))
    meta = PubMedResolver(config).resolve(PMID)
    assert (meta.year, meta.doi, meta.pmcid) == (2015, DOI, "PMC4615340")
    assert meta.issuer == "The New England journal of medicine"
    assert f"id={PMID}" in registry.hits[0] and "db=pubmed" in registry.hits[0]


def test_pubmed_retracted_publication_is_reported(registry, config):
    pubtype = ["Journal Article", "Retracted Publication"]
    registry.add("/eutils/esummary.fcgi", esummary(PMID, TITLE, pubtype=pubtype))
    meta = PubMedResolver(config).resolve(PMID)
    assert meta.is_retracted


@pytest.mark.parametrize(
    "answer",
    [
        {
            "header": {},
            "result": {
                "uids": ["99999999"],
                "99999999": {"uid": "99999999", "error": "cannot get document summary"},
            },
        },
        {"header": {}, "esummaryresult": ["Invalid uid 99999999 at position=0"]},
    ],
)
def test_pubmed_unknown_pmid_is_not_found(registry, config, answer):
    registry.add("/eutils/esummary.fcgi", answer)
    with pytest.raises(NotFound):
        PubMedResolver(config).resolve("99999999")


def test_dailymed_history_gives_latest_version(registry, config):
    title = "VERZENIO (ABEMACICLIB) TABLET [ELI LILLY AND COMPANY]"
    registry.add(f"/dailymed/spls/{SETID}/history.json", dailymed_history(SETID, title))
    meta = DailyMedResolver(config).resolve(SETID)
    assert (meta.title, meta.version, meta.published_on) == (
        title,
        "SPL version 12",
        date(2023, 3, 23),
    )


def test_dailymed_unknown_set_id_is_not_found(registry, config):
    with pytest.raises(NotFound):
        DailyMedResolver(config).resolve(SETID)


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        (TITLE.replace("\u2013", "-"), TITLE, True),
        ("Palbociclib in HR+ breast cancer", TITLE, False),
        (TITLE, "RETRACTED: " + TITLE, True),
        ("Alpelisib for PIK3CA-Mutated Advanced Breast Cancer", TITLE, False),
    ],
)
def test_title_matching(ours, theirs, same):
    assert titles_match(ours, theirs) is same


def test_label_title_matching_uses_the_product_name():
    theirs = "VERZENIO (ABEMACICLIB) TABLET [ELI LILLY AND COMPANY]"
    assert label_titles_match("VERZENIO (abemaciclib) tablets, prescribing information", theirs)
    assert not label_titles_match("IBRANCE (palbociclib) capsules", theirs)
