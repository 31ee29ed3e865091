"""source_verify and the "verify against registry" admin action, against a local server."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.citations import check_article
from articles.models import Source
from editorial.staleness.source_verification import DISABLED_MESSAGE, source_verify
from tests.factories import ArticleFactory, SourceFactory
from tests.registry_server import fixture, point_settings_at, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    yield from serve()


@pytest.fixture
def registry_settings(settings, registry):
    return point_settings_at(settings, registry)


DOI = "10.1056/NEJMoa1505270"
TITLE = "Palbociclib in Hormone-Receptor\u2013Positive Advanced Breast Cancer"
SETID = "be4bc0de-0fdc-4d46-8d25-be43c79e6a06"


def crossref_work(title: str = TITLE, year: int = 2015, **extra) -> dict:
    """The recorded PALOMA-3 work, with the title, year or relations a test needs."""
    answer = fixture("crossref_work_paloma3.json")
    answer["message"] |= {"title": [title], "issued": {"date-parts": [[year, 7, 16]]}, **extra}
    return answer


def _journal(**fields) -> Source:
    defaults = {"title": TITLE.replace("\u2013", "-"), "doi": DOI, "issuer": ""}
    return SourceFactory(**{**defaults, **fields})


def test_lookups_are_off_by_default(editor):
    source = _journal()
    with pytest.raises(ValidationError) as refused:
        source_verify(source=source, actor=editor)
    assert refused.value.messages == [DISABLED_MESSAGE]


def test_only_editors_verify(registry_settings, author):
    with pytest.raises(PermissionDenied):
        source_verify(source=_journal(), actor=author)


def test_matching_work_fills_missing_metadata_with_history(registry, registry_settings, editor):
    registry.add(f"/crossref/works/{DOI}", crossref_work())
    source = _journal()

    report = source_verify(source=source, actor=editor)

    assert (report.checked, report.flags, report.failures) == (["Crossref"], [], [])
    source.refresh_from_db()
    assert source.issuer == "New England Journal of Medicine"
    assert source.version_date == date(2015, 7, 16)
    assert not source.retracted
    latest = source.history.latest("history_id")
    assert latest.history_user == editor
    assert latest.history_change_reason == (
        "verified against Crossref: filled issuer, version date"
    )


def test_title_mismatch_is_flagged_and_changes_no_title(registry, registry_settings, editor):
    registry.add(f"/crossref/works/{DOI}", crossref_work("Something else entirely"))
    source = _journal(issuer="NEJM")

    report = source_verify(source=source, actor=editor)

    assert report.flags == [
        "The title does not match the DOI's record at Crossref: "
        "\u201cSomething else entirely\u201d."
    ]
    source.refresh_from_db()
    assert source.title == TITLE.replace("\u2013", "-")


def test_year_mismatch_is_flagged(registry, registry_settings, editor):
    registry.add(f"/crossref/works/{DOI}", crossref_work(year=2015))
    report = source_verify(source=_journal(version_date=date(2019, 1, 1)), actor=editor)
    assert report.flags == ["The year differs from Crossref: 2015, the library says 2019."]


def test_retraction_notice_marks_the_source_retracted_and_blocks_articles(
    registry, registry_settings, editor, author
):
    update = {"type": "retraction", "DOI": "10.1056/NEJMx999", "source": "retraction-watch"}
    registry.add(f"/crossref/works/{DOI}", crossref_work(**{"updated-by": [update]}))
    article = ArticleFactory(author=author)
    source = article.citations.get().source
    Source.objects.filter(pk=source.pk).update(doi=DOI, title=TITLE)

    report = source_verify(source=Source.objects.get(pk=source.pk), actor=editor)

    assert "Crossref records a retraction notice (10.1056/NEJMx999)." in report.flags
    source.refresh_from_db()
    assert source.retracted
    reason = source.history.latest("history_id").history_change_reason
    # recorded by the staleness service, which also flags approved articles citing it
    assert reason.startswith("retracted: verified against Crossref: retraction notice")
    assert "source-retracted" in {p.code for p in check_article(article)}


def test_unknown_doi_is_flagged_as_possibly_invented(registry, registry_settings, editor):
    source = _journal(doi="10.9999/invented.2024")
    report = source_verify(source=source, actor=editor)
    assert report.flags == [
        "Crossref has no record of DOI 10.9999/invented.2024: the reference may be invented or "
        "mistyped."
    ]
    assert source.history.count() == 1  # created; verification wrote nothing


def test_unreachable_registry_is_reported_and_changes_nothing(registry, registry_settings, editor):
    registry.add(f"/crossref/works/{DOI}", hang=True)
    source = _journal()
    report = source_verify(source=source, actor=editor)
    assert report.failures == [
        "Crossref could not be asked: no answer within 0.3 s after 2 attempt(s)."
    ]
    source.refresh_from_db()
    assert source.issuer == ""


def test_pubmed_and_dailymed_fill_their_fields(registry, registry_settings, editor):
    registry.add_fixture("/eutils/esummary.fcgi", "eutils_esummary_pubmed_26030518.json")
    journal = _journal(doi="", pmid="26030518")
    source_verify(source=journal, actor=editor)
    journal.refresh_from_db()
    assert (journal.doi, journal.issuer) == (DOI, "The New England journal of medicine")

    registry.add_fixture(f"/dailymed/spls/{SETID}/history.json", "dailymed_history_verzenio.json")
    label = SourceFactory(
        kind="drug_label", title="VERZENIO (abemaciclib) tablets", doi="", dailymed_setid=SETID
    )
    report = source_verify(source=label, actor=editor)
    label.refresh_from_db()
    assert report.flags == []
    assert (label.current_version, label.version_date) == ("SPL version 23", date(2023, 3, 3))


def _run_action(client, user, source):
    client.force_login(user)
    return client.post(
        reverse("admin:articles_source_changelist"),
        {"action": "verify_against_registry", "_selected_action": [source.pk]},
        follow=True,
    ).content.decode()


def test_admin_action_says_clearly_when_lookups_are_off(client, editor):
    source = _journal()
    page = _run_action(client, editor, source)
    assert "Registry lookups are switched off" in page
    assert source.history.count() == 1


def test_admin_action_reports_each_registry_answer(client, registry, registry_settings, editor):
    registry.add(f"/crossref/works/{DOI}", crossref_work("Something else entirely"))
    page = _run_action(client, editor, _journal())
    assert "The title does not match the DOI&#x27;s record at Crossref" in page
    assert "filled issuer, version date" in page


def test_admin_action_is_offered_to_editors_only(client, author, editor):
    _journal()  # the changelist offers actions only when it lists something
    changelist = reverse("admin:articles_source_changelist")
    client.force_login(editor)
    assert "verify_against_registry" in client.get(changelist).content.decode()
    client.force_login(author)
    assert "verify_against_registry" not in client.get(changelist).content.decode()
