"""Every registry answer is stored as a finding (source, resolver, checked at, matched title,
authors, year, outcome) by "verify against registry" and by the poller, and shown where people
look: the source admin, the article's citation check panel, the author's checks."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from articles.models import Citation, RegistryFinding, Source
from editorial.staleness.poller import poll_client, source_poll
from editorial.staleness.source_verification import source_verify
from tests.editorial.author_helpers import editor_url
from tests.factories import ArticleFactory, SourceFactory
from tests.registry_server import fixture, point_settings_at, serve

pytestmark = pytest.mark.django_db

DOI = "10.1056/NEJMoa1505270"
INVENTED_TITLE = "Palbociclib doubles survival in every breast cancer"


@pytest.fixture
def registry(settings):
    for server in serve():
        point_settings_at(settings, server)
        yield server


def _paloma(**fields) -> Source:
    return SourceFactory(**{"title": INVENTED_TITLE, "doi": DOI, "issuer": "", **fields})


def test_verify_stores_a_title_mismatch_with_the_registrys_record(registry, editor):
    registry.add_fixture(f"/crossref/works/{DOI}", "crossref_work_paloma3.json")
    source = _paloma(pmid="26030518")
    registry.add_fixture("/eutils/esummary.fcgi", "eutils_esummary_pubmed_26030518.json")

    report = source_verify(source=source, actor=editor)

    assert "The title does not match the DOI's record at Crossref" in " ".join(report.flags)
    crossref, pubmed = (
        RegistryFinding.objects.get(source=source, registry=name) for name in ("Crossref", "PubMed")
    )
    assert crossref.resolver == "articles.resolvers.crossref.CrossrefResolver"
    assert (crossref.outcome, crossref.identifier, crossref.matched_year) == (
        "mismatch",
        DOI,
        2015,
    )
    assert (
        crossref.matched_title
        == "Palbociclib in Hormone-Receptor\u2013Positive Advanced Breast Cancer"
    )
    assert crossref.matched_authors.startswith("Nicholas C. Turner; Jungsil Ro")
    assert "The title does not match the PMID's record at PubMed" in pubmed.detail


def test_verify_stores_not_found_and_failures_too(registry, editor):
    registry.add("/ctgov/api/v2/studies/NCT01942135", hang=True)
    source = _paloma(doi="10.9999/invented.2024", nct_id="NCT01942135")

    source_verify(source=source, actor=editor)

    outcomes = dict(
        RegistryFinding.objects.filter(source=source).values_list("registry", "outcome")
    )
    assert outcomes == {"Crossref": "not_found", "ClinicalTrials.gov": "failed"}


def test_the_poller_stores_findings_through_the_same_registry(registry):
    retracted = "10.1016/S0140-6736(97)11096-0"
    registry.add_fixture(
        f"/crossref/works/{quote(retracted, safe='/')}", "crossref_work_retracted.json"
    )
    source = SourceFactory(doi=retracted, url="", title="Ileal-lymphoid-nodular hyperplasia")
    Citation.objects.create(article=ArticleFactory(approved=True), number=1, source=source)

    with poll_client() as client:
        outcome = source_poll(source, client=client)

    assert outcome.status == "retracted"
    finding = RegistryFinding.objects.get(source=source)
    assert finding.outcome == "retracted"
    assert "10.1016/S0140-6736(10)60175-4" in finding.detail


def test_findings_are_shown_in_the_source_admin_and_the_check_panels(
    registry, client, editor, author
):
    registry.add(f"/crossref/works/{DOI}", fixture("crossref_work_paloma3.json"))
    article = ArticleFactory(author=author)
    source = article.citations.get().source
    Source.objects.filter(pk=source.pk).update(doi=DOI, title=INVENTED_TITLE)
    source_verify(source=Source.objects.get(pk=source.pk), actor=editor)
    says = "The title does not match the DOI&#x27;s record at Crossref"

    client.force_login(editor)
    source_page = client.get(reverse("admin:articles_source_change", args=[source.pk]))
    article_page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    client.force_login(author)
    editor_page = client.get(editor_url(article))

    for page in (source_page, article_page, editor_page):
        assert page.status_code == 200
        assert says in page.content.decode()
