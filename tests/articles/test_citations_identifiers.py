"""Identifier syntax, offline: valid and invalid examples for every kind."""

import pytest
from django.core.exceptions import ValidationError

from articles.citations import check_identifier
from articles.identifiers import normalization_note, normalize_identifier, normalize_isbn

VALID = [
    ("doi", "10.1056/NEJMoa1505270"),
    ("doi", "10.1200/JCO.2017.73.7585"),
    ("doi", "10.1093/cid/ciq257"),
    ("pmid", "1"),
    ("pmid", "26030518"),
    ("pmid", "999999999"),
    ("pmcid", "PMC4615340"),
    ("nct", "NCT01942135"),
    ("dailymed_setid", "3e1f6c2b-8a7d-4c5e-9b0a-2d4f6e8a1c35"),
    ("isbn", "9780306406157"),
    ("nccn_version", "Version 2.2025"),
    ("nccn_version", "Version 10.2024"),
]

INVALID = [
    ("doi", "11.1056/abc", "error", "doi-invalid"),
    ("doi", "10.1056", "error", "doi-invalid"),
    ("doi", "10.1056/", "error", "doi-invalid"),
    # valid once unwrapped, but not stored that way: a warning until the source is saved again
    ("doi", "https://doi.org/10.1056/NEJMoa1505270", "warning", "doi-not-canonical"),
    ("doi", "doi:10.1056/NEJMoa1505270", "warning", "doi-not-canonical"),
    ("pmcid", "pmc4615340", "warning", "pmcid-not-canonical"),
    ("isbn", "0-306-40615-2", "warning", "isbn-not-canonical"),
    ("doi", "10.10O0/123456", "error", "doi-invalid"),
    # starts with 10. and has a suffix, but outside Crossref's pattern: only a warning
    ("doi", "10.1002/(SICI)1097-4636<14::AID>3.0.CO;2-Q", "warning", "doi-unusual"),
    ("doi", "10.12/abc", "warning", "doi-unusual"),
    ("pmid", "0123", "warning", "pmid-not-canonical"),  # PubMed ignores leading zeros
    ("pmid", "1234567890", "error", "pmid-invalid"),
    ("pmid", "12a4", "error", "pmid-invalid"),
    ("pmcid", "4615340", "error", "pmcid-invalid"),
    ("nct", "NCT1942135", "error", "nct-invalid"),
    ("nct", "NCT019421350", "error", "nct-invalid"),
    ("dailymed_setid", "3e1f6c2b8a7d4c5e9b0a2d4f6e8a1c35", "error", "dailymed-setid-invalid"),
    ("dailymed_setid", "not-a-uuid", "error", "dailymed-setid-invalid"),
    ("isbn", "978-0-306-40615-8", "error", "isbn-check-digit"),
    ("isbn", "0-306-40615-3", "error", "isbn-check-digit"),
    ("isbn", "12345", "error", "isbn-invalid"),
    ("isbn", "1230306406155", "error", "isbn-invalid"),  # valid check digit, no 978/979
    ("nccn_version", "Version 0.2025", "error", "nccn-version-invalid"),
    ("nccn_version", "Version 2.25", "error", "nccn-version-invalid"),
    ("nccn_version", "2025 update", "error", "nccn-version-invalid"),
    ("pmid", "", "error", "pmid-invalid"),
]


@pytest.mark.parametrize(("kind", "value"), VALID)
def test_valid_identifier_has_no_problem(kind, value):
    assert check_identifier(kind, value) == []


@pytest.mark.parametrize(("kind", "value", "severity", "code"), INVALID)
def test_invalid_identifier_is_reported_with_stable_code(kind, value, severity, code):
    (problem,) = check_identifier(kind, value)
    assert (problem.severity, problem.code) == (severity, code)
    assert problem.message.endswith(".")


def test_unknown_identifier_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown identifier kind"):
        check_identifier("orcid", "0000-0002-1825-0097")


def test_isbn10_converts_to_isbn13_with_recomputed_check_digit():
    assert normalize_identifier("isbn", "0-306-40615-2") == "9780306406157"
    assert normalize_isbn("0-8044-2957-X") == "9780804429573"
    assert normalize_isbn("978-0-306-40615-8") is None


def test_the_person_is_told_what_was_normalised():
    pasted = "https://doi.org/10.1056/NEJMoa1505270"
    canonical = normalize_identifier("doi", pasted)
    assert normalization_note("doi", pasted, canonical) == (
        "DOI “https://doi.org/10.1056/NEJMoa1505270” was stored as “10.1056/NEJMoa1505270”."
    )
    assert normalization_note("doi", canonical, canonical) == ""


def test_an_overlong_paste_is_refused_without_being_read():
    with pytest.raises(ValidationError, match="longer than 1000 characters"):
        normalize_identifier("doi", "10.1056/" + "x" * 5000)
