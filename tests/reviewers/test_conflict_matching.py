"""Issue 20 point 3: issuer matching normalises both sides."""

import pytest

from reviewers.conflicts import names_match, organisation_key


@pytest.mark.parametrize(
    "disclosed",
    [
        "Pfizer",
        "Pfizer Inc.",
        "PFIZER, INC",
        "pfizer ltd",
        "Pfizer LLC",
        "Pfizer plc",
        "Pfizer GmbH",
        "Pfizer AG",
        "Pfizer S.A.",
        "Pfizer Co.",
        "Pfizer Corp.",
        "Pfizer Pharmaceuticals",
        "Pfi\u200bzer",  # zero-width space
        "Pfi\u00adzer",  # soft hyphen
        "\ufeffPfizer\u2060",  # BOM, word joiner
        "\u0420fizer",  # Cyrillic capital ER
        "Pf\u0456zer",  # Cyrillic small byelorussian-ukrainian i
        "\uff30\uff46\uff49\uff5a\uff45\uff52",  # fullwidth (NFKC)
        "  Pfizer   Inc  ",
    ],
)
def test_disclosure_spelling_matches_issuer(disclosed):
    assert names_match(organisation_key(disclosed), organisation_key("Pfizer"))
    assert names_match(organisation_key("Pfizer"), organisation_key(disclosed))


def test_parent_disclosure_matches_subsidiary_issuer():
    assert names_match(organisation_key("Pfizer"), organisation_key("Pfizer Oncology"))
    assert names_match(organisation_key("Merck & Co., Inc."), organisation_key("Merck Sharp"))


def test_different_companies_do_not_match():
    assert not names_match(organisation_key("Pfizer"), organisation_key("Pfizerwell Labs"))
    assert not names_match(organisation_key("Pfizer Oncology"), organisation_key("Pfizer"))
    assert not names_match(organisation_key("Novartis"), organisation_key("Pfizer"))
    assert not names_match(organisation_key(""), organisation_key("Pfizer"))
    assert not names_match(organisation_key("Inc."), organisation_key("Pfizer"))
