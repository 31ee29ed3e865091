"""Resolvers against a local HTTP server serving the registries' recorded-shape answers
(tests/fixtures/registries): records read, retractions and corrections, unknown ids, timeouts,
5xx, 429 and the registry of CITATION_RESOLVERS."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured

from articles.resolvers import (
    NotFound,
    RateLimited,
    ResolverError,
    is_enabled,
    resolver_name,
    resolvers_from_settings,
)
from articles.resolvers.clinicaltrials import ClinicalTrialsResolver
from articles.resolvers.crossref import CrossrefResolver, parse_work
from articles.resolvers.dailymed import DailyMedResolver
from articles.resolvers.isbn import IsbnResolver
from articles.resolvers.matching import label_titles_match, titles_match
from articles.resolvers.pubmed import PmcResolver, PubMedResolver
from articles.resolvers.transport import HostLimiter, HostPolicy, HttpTransport
from tests.registry_server import fixture, serve

DOI = "10.1056/NEJMoa1505270"
RETRACTED_DOI = "10.1016/S0140-6736(97)11096-0"
PMID = "26030518"
SETID = "be4bc0de-0fdc-4d46-8d25-be43c79e6a06"
TITLE = "Palbociclib in Hormone-Receptor\u2013Positive Advanced Breast Cancer"


@pytest.fixture
def registry():
    yield from serve()


@pytest.fixture
def transport() -> HttpTransport:
    return HttpTransport(policy=HostPolicy(timeout=0.3), retries=1, backoff=0)


def test_crossref_work_is_read(registry, transport):
    registry.add_fixture(f"/crossref/works/{DOI}", "crossref_work_paloma3.json")
    resolver = CrossrefResolver(transport, f"{registry.url}/crossref", "editors@example.org")
    meta = resolver.resolve(DOI)
    assert (meta.title, meta.year, meta.published_on) == (TITLE, 2015, date(2015, 7, 16))
    assert meta.issuer == "New England Journal of Medicine"
    assert meta.authors[:2] == ("Nicholas C. Turner", "Jungsil Ro")
    assert not meta.is_retracted and not meta.corrections
    assert "mailto=editors%40example.org" in registry.hits[0]


def test_crossref_retraction_comes_from_the_update_relation(registry, transport):
    path = f"/crossref/works/{quote(RETRACTED_DOI, safe='/')}"  # as the resolver sends it
    registry.add_fixture(path, "crossref_work_retracted.json")
    meta = CrossrefResolver(transport, f"{registry.url}/crossref").resolve(RETRACTED_DOI)
    assert meta.is_retracted
    assert meta.notices == (
        "Crossref records a retraction notice (10.1016/S0140-6736(10)60175-4).",
    )
    assert (meta.year, meta.published_on) == (1998, None)  # a month is no day


def test_a_retraction_notice_is_itself_recognised():
    meta = parse_work("10.1016/S0140-6736(10)60175-4", fixture("crossref_notice_retraction.json"))
    assert meta.notices == (
        "This DOI is itself a retraction notice for 10.1016/S0140-6736(97)11096-0.",
    )


def test_crossref_corrections_are_reported_without_retracting():
    answer = fixture("crossref_work_paloma3.json")
    # the same record as it reads once the publisher deposits an erratum
    answer["message"]["updated-by"] = [{"type": "correction", "DOI": "10.1056/NEJMx150027"}]
    meta = parse_work(DOI, answer)
    assert not meta.is_retracted
    assert meta.corrections == ("Crossref records a correction (10.1056/NEJMx150027).",)


def test_unknown_doi_is_not_found(registry, transport):
    with pytest.raises(NotFound):
        CrossrefResolver(transport, f"{registry.url}/crossref").resolve("10.9999/invented.2024")


def test_timeout_is_retried_then_reported(registry, transport):
    registry.add(f"/crossref/works/{DOI}", hang=True)
    with pytest.raises(ResolverError, match=r"no answer within 0.3 s after 2 attempt"):
        CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI)
    assert registry.hits_for(f"/crossref/works/{DOI}") == 2


def test_server_error_is_retried_and_can_succeed(registry, transport):
    registry.add_fixture(f"/crossref/works/{DOI}", "crossref_work_paloma3.json", fail_first=1)
    assert CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI).title == TITLE
    assert registry.hits_for(f"/crossref/works/{DOI}") == 2


def test_429_waits_as_told_then_succeeds(registry, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("httpx_retries.retry.time.sleep", waits.append)
    transport = HttpTransport(policy=HostPolicy(timeout=1), retries=2, backoff=7)
    registry.add_fixture(
        f"/crossref/works/{DOI}",
        "crossref_work_paloma3.json",
        fail_first=1,
        fail_status=429,
        headers={"Retry-After": "3"},
    )
    assert CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI).title == TITLE
    assert waits == [3.0]  # Retry-After wins over the back-off


def test_429_that_outlasts_the_retries_is_rate_limited(registry, transport):
    registry.add(f"/crossref/works/{DOI}", fail_first=5, fail_status=429)
    with pytest.raises(RateLimited, match="HTTP 429 after 2 attempt"):
        CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI)


def test_answer_that_is_not_json_is_an_error(registry, transport):
    registry.add(f"/crossref/works/{DOI}", "<html>maintenance</html>")
    with pytest.raises(ResolverError, match="not JSON"):
        CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI)


def test_pubmed_summary_is_read(registry, transport):
    registry.add_fixture("/eutils/esummary.fcgi", "eutils_esummary_pubmed_26030518.json")
    meta = PubMedResolver(transport, f"{registry.url}/eutils", "e@example.org").resolve(PMID)
    assert (meta.year, meta.doi, meta.pmid) == (2015, DOI, PMID)
    assert meta.authors[0] == "Turner NC" and "PALOMA3 Study Group" not in meta.authors
    assert meta.issuer == "The New England journal of medicine"
    assert f"id={PMID}" in registry.hits[0] and "db=pubmed" in registry.hits[0]
    assert "tool=imprimatur" in registry.hits[0] and "email=e%40example.org" in registry.hits[0]


def test_pubmed_retracted_publication_and_its_notice(registry, transport):
    registry.add_fixture("/eutils/esummary.fcgi", "eutils_esummary_pubmed_retracted.json")
    meta = PubMedResolver(transport, f"{registry.url}/eutils").resolve("9500320")
    assert meta.is_retracted
    assert meta.notices == ("PubMed lists the article as a Retracted Publication.",)


@pytest.mark.parametrize("name", ["eutils_esummary_unknown.json", "eutils_esummary_invalid.json"])
def test_pubmed_unknown_pmid_is_not_found(registry, transport, name):
    registry.add_fixture("/eutils/esummary.fcgi", name)
    with pytest.raises(NotFound):
        PubMedResolver(transport, f"{registry.url}/eutils").resolve("99999999")


def test_pmc_record_is_read_by_its_bare_uid(registry, transport):
    registry.add_fixture("/eutils/esummary.fcgi", "eutils_esummary_pmc_8005924.json")
    meta = PmcResolver(transport, f"{registry.url}/eutils").resolve("PMC8005924")
    assert (meta.registry, meta.identifier, meta.pmcid, meta.pmid) == (
        "PMC",
        "PMC8005924",
        "PMC8005924",
        "33782057",
    )
    assert meta.title.startswith("The PRISMA 2020 statement")
    assert "db=pmc" in registry.hits[0] and "id=8005924" in registry.hits[0]


def test_clinicaltrials_study_gives_title_status_and_results(registry, transport):
    registry.add_fixture("/ctgov/api/v2/studies/NCT01942135", "ctgov_study_NCT01942135.json")
    meta = ClinicalTrialsResolver(transport, f"{registry.url}/ctgov/api/v2").resolve("NCT01942135")
    assert meta.title.startswith("A Double-Blind, Multicenter, Phase 3 Study Of Palbociclib")
    assert (meta.status, meta.has_results, meta.issuer) == ("COMPLETED", True, "Pfizer")
    assert (meta.year, meta.published_on) == (2013, date(2024, 1, 29))


def test_clinicaltrials_unknown_nct_is_not_found(registry, transport):
    with pytest.raises(NotFound):
        ClinicalTrialsResolver(transport, f"{registry.url}/ctgov/api/v2").resolve("NCT09999999")


def test_dailymed_history_gives_latest_version(registry, transport):
    registry.add_fixture(f"/dailymed/spls/{SETID}/history.json", "dailymed_history_verzenio.json")
    meta = DailyMedResolver(transport, f"{registry.url}/dailymed").resolve(SETID)
    assert (meta.title, meta.version, meta.published_on) == (
        "VERZENIO (ABEMACICLIB) TABLET [ELI LILLY AND COMPANY]",
        "SPL version 23",
        date(2023, 3, 3),
    )


def test_dailymed_unknown_set_id_is_not_found(registry, transport):
    with pytest.raises(NotFound):
        DailyMedResolver(transport, f"{registry.url}/dailymed").resolve(SETID)


def test_isbn_record_is_read_and_an_unknown_isbn_is_not_found(registry, transport):
    resolver = IsbnResolver(transport, f"{registry.url}/openlibrary")
    registry.add_fixture("/openlibrary/api/books", "openlibrary_books_9780131103627.json")
    meta = resolver.resolve("9780131103627")
    assert (meta.title, meta.year, meta.issuer) == (
        "The C programming language",
        1988,
        "Prentice Hall",
    )
    assert meta.authors == ("Brian W. Kernighan", "Dennis M. Ritchie")
    assert "bibkeys=ISBN%3A9780131103627" in registry.hits[0]
    registry.add_fixture("/openlibrary/api/books", "openlibrary_books_unknown.json")
    with pytest.raises(NotFound):
        resolver.resolve("9780306406157")


def test_requests_to_one_host_keep_their_interval():
    now = [100.0]
    slept: list[float] = []
    policy = HostPolicy(interval=0.5, intervals={"eutils.ncbi.nlm.nih.gov": 0.34})
    limiter = HostLimiter(policy, clock=lambda: now[0], sleep=slept.append)
    for _ in range(3):
        limiter.wait("eutils.ncbi.nlm.nih.gov")
    limiter.wait("api.crossref.org")  # another host does not wait for NCBI
    assert slept == pytest.approx([0.34, 0.68])


def test_per_host_timeout_is_used(registry):
    policy = HostPolicy(timeout=5, timeouts={"127.0.0.1": 0.2})
    transport = HttpTransport(policy=policy, retries=0, backoff=0)
    registry.add(f"/crossref/works/{DOI}", hang=True)
    with pytest.raises(ResolverError, match=r"no answer within 0.2 s"):
        CrossrefResolver(transport, f"{registry.url}/crossref").resolve(DOI)


def test_registry_follows_the_setting_in_order(settings):
    settings.CITATION_RESOLVERS = [
        "articles.resolvers.isbn.IsbnResolver",
        "articles.resolvers.crossref.CrossrefResolver",
    ]
    assert [resolver_name(r) for r in resolvers_from_settings()] == settings.CITATION_RESOLVERS


def test_default_registry_covers_every_identifier_kind(settings):
    kinds = {r.kind for r in resolvers_from_settings()}
    assert kinds == {"doi", "pmid", "pmcid", "nct", "dailymed_setid", "isbn"}


def test_an_unknown_resolver_path_is_a_configuration_error(settings):
    settings.CITATION_RESOLVERS = ["articles.resolvers.nowhere.Resolver"]
    with pytest.raises(ImproperlyConfigured, match=r"articles\.resolvers\.nowhere\.Resolver"):
        resolvers_from_settings()


def test_resolvers_are_off_in_tests_and_with_an_empty_list(settings):
    assert not is_enabled()
    settings.CITATION_RESOLVERS_ENABLED = True
    assert is_enabled()
    settings.CITATION_RESOLVERS = []
    assert not is_enabled()


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
