"""Every identifier input (author UI, admin, CSV import, the service) accepts what people paste,
stores the canonical form, says what it changed, and refuses a malformed identifier with the
same sentence everywhere (articles.identifiers)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.citations import check_identifier
from articles.models import Citation, Source
from editorial.authoring import services as authoring
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import ArticleFactory, SourceFactory

PASTED = {
    "doi": "https://doi.org/10.1056/NEJMoa1505270",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/26030518/",
    "pmcid": "pmc4615340",
    "nct_id": "nct01942135",
}
CANONICAL = {
    "doi": "10.1056/NEJMoa1505270",
    "pmid": "26030518",
    "pmcid": "PMC4615340",
    "nct_id": "NCT01942135",
}
BAD_DOI = "10.10O0/123456"


def _rule(kind: str, value: str) -> str:
    (problem,) = check_identifier(kind, value)
    return problem.message


def test_author_ui_stores_the_canonical_form_and_says_what_it_changed(client, author, draft):
    client.force_login(author)
    fields = {f"src-{k}": v for k, v in PASTED.items()}
    data = editor_post(
        draft, "add-source", **{"src-kind": "journal_article", "src-title": "PALOMA-3", **fields}
    )

    response = client.post(editor_url(draft), data, follow=True)

    source = Source.objects.get(title="PALOMA-3")
    assert {k: getattr(source, k) for k in CANONICAL} == CANONICAL
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    shown += response.content.decode()
    assert "was stored as “10.1056/NEJMoa1505270”" in shown


def test_author_ui_refuses_a_letter_in_the_doi_prefix_with_the_rule(client, author, draft):
    client.force_login(author)
    data = editor_post(
        draft,
        "add-source",
        **{"src-kind": "journal_article", "src-title": "Invented", "src-doi": BAD_DOI},
    )

    response = client.post(editor_url(draft), data)

    assert response.status_code == 400
    assert _rule("doi", BAD_DOI) in response.content.decode().replace("&quot;", '"')
    assert not Source.objects.filter(title="Invented").exists()


def test_the_service_normalises_a_forged_post_too(author):
    source = authoring.source_create(
        actor=author, data={"kind": "journal_article", "title": "PALOMA-3", **PASTED}
    )
    assert {k: getattr(source, k) for k in CANONICAL} == CANONICAL
    with pytest.raises(ValidationError) as caught:
        authoring.source_create(
            actor=author, data={"kind": "journal_article", "title": "X", "doi": BAD_DOI}
        )
    assert caught.value.message_dict == {"doi": [_rule("doi", BAD_DOI)]}


def test_a_pasted_duplicate_is_recognised_in_canonical_form(author):
    SourceFactory(doi="10.1056/NEJMoa1505270")
    with pytest.raises(ValidationError, match="already in the library"):
        authoring.source_create(
            actor=author, data={"kind": "journal_article", "title": "Again", "doi": PASTED["doi"]}
        )


def _admin_add(client, **fields):
    data = {"kind": "journal_article", "title": "From the admin", "issuer": "", "url": ""}
    data |= {k: "" for k in ("doi", "pmid", "pmcid", "nct_id", "dailymed_setid", "isbn")}
    data |= {"current_version": "", "version_date": ""}
    return client.post(reverse("admin:articles_source_add"), {**data, **fields}, follow=True)


def test_admin_source_form_stores_the_canonical_form_and_says_so(client, editor):
    client.force_login(editor)

    response = _admin_add(client, **PASTED, isbn="ISBN-10: 0-306-40615-2")

    source = Source.objects.get(title="From the admin")
    assert {k: getattr(source, k) for k in CANONICAL} == CANONICAL
    assert source.isbn == "9780306406157"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert "ISBN “ISBN-10: 0-306-40615-2” was stored as “9780306406157”." in shown


@pytest.mark.parametrize(
    ("field", "kind", "value"),
    [
        ("doi", "doi", BAD_DOI),
        ("nct_id", "nct", "NCT0123456\u0667"),
        ("isbn", "isbn", "978-90245\u1b538270"),
        ("pmcid", "pmcid", "4615340"),
    ],
)
def test_admin_source_form_refuses_a_malformed_identifier_with_the_same_message(
    client, editor, field, kind, value
):
    client.force_login(editor)

    response = _admin_add(client, **{field: value})

    assert response.status_code == 200
    assert _rule(kind, value) in response.content.decode()
    assert not Source.objects.filter(title="From the admin").exists()


def test_admin_nccn_guideline_version_is_stored_canonically(client, editor):
    client.force_login(editor)
    _admin_add(client, kind="guideline", issuer="NCCN", current_version="v2.2025")
    assert Source.objects.get(title="From the admin").current_version == "Version 2.2025"


def _upload(client, text: str):
    file = SimpleUploadedFile("versions.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("admin:articles_source_import_versions"), {"file": file})


def test_csv_import_finds_sources_by_pasted_identifiers(client, editor):
    paloma = SourceFactory(doi="10.1056/NEJMoa1505270", current_version="1")
    trial = SourceFactory(doi="", nct_id="NCT01942135", current_version="1")
    Citation.objects.create(article=ArticleFactory(approved=True), number=1, source=paloma)
    client.force_login(editor)

    response = _upload(
        client,
        "identifier,version,date\n"
        "https://doi.org/10.1056/nejmoa1505270,2,2026-01-02\n"
        "https://clinicaltrials.gov/study/nct01942135,2,\n",
    )

    assert response.status_code == 302
    paloma.refresh_from_db()
    trial.refresh_from_db()
    assert (paloma.current_version, trial.current_version) == ("2", "2")


def test_csv_import_refuses_a_malformed_identifier_with_the_rule_and_records_nothing(
    client, editor
):
    source = SourceFactory(doi="10.1056/NEJMoa1505270", current_version="1")
    client.force_login(editor)

    response = _upload(client, f"10.1056/NEJMoa1505270,2,\n{BAD_DOI},3,\n")

    assert response.status_code == 200
    assert f"Row 2: {_rule('doi', BAD_DOI)}" in response.content.decode()
    source.refresh_from_db()
    assert source.current_version == "1"
