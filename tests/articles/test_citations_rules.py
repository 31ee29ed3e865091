"""check_content/check_article rules: for every rule a valid and an invalid example."""

from __future__ import annotations

import pytest

from articles.citations import check_content
from tests.articles.builders import cite, section, source


def _one_source_cited(body: str, **source_fields):
    src = source(**source_fields)
    return [section(body)], [cite(1, src, cited_version=src.current_version)]


def _label(**fields):
    defaults = {
        "kind": "drug_label",
        "doi": "",
        "dailymed_setid": "3e1f6c2b-8a7d-4c5e-9b0a-2d4f6e8a1c35",
        "current_version": "Revision 2024-01",
    }
    return source(**{**defaults, **fields})


def _guideline(**fields):
    defaults = {"kind": "guideline", "doi": "", "issuer": "ASCO", "current_version": "2021"}
    return source(**{**defaults, **fields})


def _cited(src, body: str = "A [1]."):
    return [section(body)], [cite(1, src)]


def _two(body: str, first=None, second=None):
    return [section(body)], [cite(1, first), cite(2, second)]


_shared = source(title="Shared trial")

# rule: (valid example, invalid example, the problem the invalid one must raise)
RULES = {
    "marker without citation": (
        lambda: _two("A [1]. B [2]."),
        lambda: _two("A [1]. B [2]. C [3]."),
        ("error", "unknown-marker"),
    ),
    "citation never cited": (
        lambda: _two("A [1, 2]."),
        lambda: _two("A [1]."),
        ("error", "citation-not-cited"),
    ),
    "duplicate number": (
        lambda: ([section("A [1]. B [2].")], [cite(1), cite(2)]),
        lambda: ([section("A [1]. B [2].")], [cite(1), cite(2), cite(2)]),
        ("error", "duplicate-citation-number"),
    ),
    "same source under two numbers": (
        lambda: _two("A [1]. B [2]."),
        lambda: _two("A [1]. B [2].", _shared, _shared),
        ("error", "duplicate-source"),
    ),
    "two records with one DOI": (
        lambda: _two("A [1]. B [2].", source(doi="10.1/a"), source(doi="10.1/b")),
        lambda: _two("A [1]. B [2].", source(doi="10.1/SAME"), source(doi="10.1/same")),
        ("error", "duplicate-source"),
    ),
    "numbering not in order of first use": (
        lambda: _two("A [1]. B [2]. Again [1]."),
        lambda: _two("A [2]. B [1]."),
        ("warning", "citation-order"),
    ),
    "identifier syntax": (
        lambda: _one_source_cited("A [1].", doi="10.1056/NEJMoa1505270"),
        lambda: _one_source_cited("A [1].", doi="NEJMoa1505270"),
        ("error", "doi-invalid"),
    ),
    "unusual DOI": (
        lambda: _one_source_cited("A [1].", doi="10.1093/cid/ciq257"),
        lambda: _one_source_cited("A [1].", doi="10.12/x<y>"),
        ("warning", "doi-unusual"),
    ),
    "drug label needs a DailyMed set id": (
        lambda: ([section("A [1].")], [cite(1, _label())]),
        lambda: ([section("A [1].")], [cite(1, _label(dailymed_setid=""))]),
        ("error", "drug-label-missing-setid"),
    ),
    "drug label needs a version": (
        lambda: ([section("A [1].")], [cite(1, _label())]),
        lambda: ([section("A [1].")], [cite(1, _label(current_version=""))]),
        ("error", "drug-label-missing-version"),
    ),
    "guideline needs an issuer": (
        lambda: ([section("A [1].")], [cite(1, _guideline())]),
        lambda: ([section("A [1].")], [cite(1, _guideline(issuer=""))]),
        ("error", "guideline-missing-issuer"),
    ),
    "guideline needs a version": (
        lambda: ([section("A [1].")], [cite(1, _guideline())]),
        lambda: ([section("A [1].")], [cite(1, _guideline(current_version=""))]),
        ("error", "guideline-missing-version"),
    ),
    "NCCN guideline version format": (
        lambda: (
            [section("A [1].")],
            [cite(1, _guideline(issuer="NCCN", current_version="Version 2.2025"))],
        ),
        lambda: (
            [section("A [1].")],
            [cite(1, _guideline(issuer="NCCN", current_version="2025 v2"))],
        ),
        ("error", "nccn-version-invalid"),
    ),
    "journal article needs DOI or PMID": (
        lambda: _one_source_cited("A [1].", doi="", pmid="26030518"),
        lambda: _one_source_cited("A [1].", doi="", pmid=""),
        ("error", "journal-article-missing-identifier"),
    ),
    "trial needs an NCT number": (
        lambda: _one_source_cited("A [1].", kind="clinical_trial", doi="", nct_id="NCT01942135"),
        lambda: _one_source_cited("A [1].", kind="clinical_trial", doi="", nct_id=""),
        ("error", "trial-missing-nct"),
    ),
    "retracted source": (
        lambda: _one_source_cited("A [1]."),
        lambda: _one_source_cited("A [1].", retracted=True),
        ("error", "source-retracted"),
    ),
    "superseded cited version": (
        lambda: ([section("A [1].")], [cite(1, _guideline(), cited_version="2021")]),
        lambda: ([section("A [1].")], [cite(1, _guideline(), cited_version="2019")]),
        ("warning", "superseded-version"),
    ),
    "drug_label section cites a drug label": (
        lambda: ([section("Label says so [1].", "drug_label")], [cite(1, _label())]),
        lambda: ([section("Label says so [1].", "drug_label")], [cite(1, _guideline())]),
        ("error", "section-needs-drug-label"),
    ),
    "guidelines section cites a guideline": (
        lambda: ([section("Guideline says so [1].", "guidelines")], [cite(1, _guideline())]),
        lambda: ([section("Guideline says so [1].", "guidelines")], [cite(1, source())]),
        ("error", "section-needs-guideline"),
    ),
    "dose sentence carries a citation": (
        lambda: _one_source_cited("Give 150 mg twice daily [1]. Monitor [1]."),
        lambda: _one_source_cited("Give 150 mg twice daily. Monitor closely [1]."),
        ("error", "dose-without-citation"),
    ),
}


def _codes(problems):
    return {(p.severity, p.code) for p in problems}


@pytest.mark.parametrize("rule", RULES)
def test_valid_example_passes_the_rule(rule):
    valid, _invalid, expected = RULES[rule]
    assert expected not in _codes(check_content(*valid()))


@pytest.mark.parametrize("rule", RULES)
def test_invalid_example_is_reported(rule):
    _valid, invalid, expected = RULES[rule]
    assert expected in _codes(check_content(*invalid()))


@pytest.mark.parametrize("rule", RULES)
def test_valid_examples_have_no_error_at_all(rule):
    valid, _invalid, _expected = RULES[rule]
    assert [p for p in check_content(*valid()) if p.is_error] == []


DOSE_CITED = [
    "Alpelisib 300 mg once daily with fulvestrant [1, 3].",
    "Give 1.5 mg/m² weekly [1].",
    "Dose 15 mg/kg/day in two doses [1].",
    "Insulin 10 units at night [1].",
    "Give 5 mg, e.g. at bedtime [1].",  # e.g. does not end the sentence
    "Give 150 mg twice daily. [1]",  # marker written after the full stop
    "- Abemaciclib 150 mg twice daily\n  with fulvestrant [1].",  # soft wrap inside a list item
    "Cyanocobalamin 1000 mcg daily [1].",
]
DOSE_NOT_A_DOSE = [
    "Stop when eGFR is below 30 mL/min/1.73 m².",
    "Target glucose under 126 mg/dL.",
    "Haemoglobin 10 g/dL or lower.",
    "Days 1-21 of each 28-day cycle.",
]
DOSE_UNCITED = [
    "Give 150 mg twice daily. Monitor [1].",
    "- Palbociclib 125 mg daily\n- Fulvestrant [1]",  # each list item is its own sentence
    "Cisplatin 75 mg/m² on day 1.\n\nRepeat [1].",
]


@pytest.mark.parametrize("body", DOSE_CITED + DOSE_NOT_A_DOSE)
def test_dose_rule_accepts(body):
    sections, citations = _one_source_cited(body + " Cited [1].")
    assert "dose-without-citation" not in {p.code for p in check_content(sections, citations)}


@pytest.mark.parametrize("body", DOSE_UNCITED)
def test_dose_rule_flags_a_dose_sentence_without_citation(body):
    problems = check_content(*_one_source_cited(body))
    (dose,) = [p for p in problems if p.code == "dose-without-citation"]
    assert dose.position == body.index(dose.message.split("(")[1].split(")")[0])


def test_errors_come_before_warnings_and_say_where():
    sections = [section("Second [2] then first [1]. Missing [9].", heading="Key points")]
    problems = check_content(sections, [cite(1), cite(2)])
    assert [p.severity for p in problems] == ["error", "warning"]
    unknown, order = problems
    assert unknown.code == "unknown-marker"
    assert unknown.section_id == sections[0].pk
    assert unknown.position == sections[0].body.index("[9]")
    assert unknown.location == f"“Key points”, character {unknown.position}"
    assert "[9]" in unknown.message
    assert order.code == "citation-order"


def test_superseded_version_is_not_reported_for_a_newer_pin_or_the_same_version():
    guideline = source(kind="guideline", issuer="NCCN", current_version="Version 2.2025")
    for pinned, expected in [
        ("Version 1.2025", True),
        ("Version 3.2024", True),
        ("Version 2.2025", False),
        ("Version 1.2026", False),
        ("", False),
    ]:
        problems = check_content([section("A [1].")], [cite(1, guideline, cited_version=pinned)])
        assert ("superseded-version" in {p.code for p in problems}) is expected, pinned


def test_retracted_source_cited_twice_is_reported_once():
    src = source(retracted=True)
    problems = check_content([section("A [1]. B [2].")], [cite(1, src), cite(2, src)])
    assert [p.code for p in problems].count("source-retracted") == 1
