"""Identifier syntax, checked offline: DOI, PMID, PMCID, NCT, DailyMed set id, ISBN, NCCN version.

Pure functions, no I/O. `identifier_problems` returns (severity, code, message) triples;
articles.citations wraps them in Problem.
"""

from __future__ import annotations

import re

# Crossref's recommended pattern; real DOIs outside it exist, so failing it is only a warning.
DOI_RECOMMENDED_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE)
DOI_MINIMAL_RE = re.compile(r"^10\.[^/\s]+/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PMCID_RE = re.compile(r"^PMC\d+$")
NCT_RE = re.compile(r"^NCT\d{8}$")
UUID_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)
NCCN_VERSION_RE = re.compile(r"^Version (\d+)\.(\d{4})$")
ISBN_SEPARATORS_RE = re.compile(r"[\s-]")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")

KINDS = ("doi", "pmid", "pmcid", "nct", "dailymed_setid", "isbn", "nccn_version")
LABELS = {
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "nct": "NCT number",
    "dailymed_setid": "DailyMed set id",
    "isbn": "ISBN",
    "nccn_version": "NCCN version",
}

Finding = tuple[str, str, str]  # severity, code, message


def isbn10_check_digit(first9: str) -> str:
    """The ISBN-10 check character (0-9 or X) for nine digits."""
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    """The ISBN-13 (EAN-13) check digit for twelve digits."""
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_to_13(isbn10: str) -> str:
    """Convert an ISBN-10 (separators allowed) to its ISBN-13 in the 978 prefix."""
    digits = ISBN_SEPARATORS_RE.sub("", isbn10)
    core = "978" + digits[:9]
    return core + isbn13_check_digit(core)


def normalize_isbn(value: str) -> str | None:
    """The ISBN-13 for a valid ISBN-10 or ISBN-13, else None."""
    digits = ISBN_SEPARATORS_RE.sub("", value or "").upper()
    if re.fullmatch(r"\d{9}[\dX]", digits) and isbn10_check_digit(digits[:9]) == digits[9]:
        return isbn10_to_13(digits)
    if re.fullmatch(r"\d{13}", digits) and isbn13_check_digit(digits[:12]) == digits[12]:
        return digits
    return None


def nccn_version_key(value: str) -> tuple[int, int] | None:
    """(year, version) for "Version N.YYYY", so versions compare in time order."""
    match = NCCN_VERSION_RE.fullmatch((value or "").strip())
    return (int(match.group(2)), int(match.group(1))) if match else None


def _doi(value: str) -> list[Finding]:
    lowered = value.lower()
    if lowered.startswith(DOI_PREFIXES):
        return [
            (
                "error",
                "doi-invalid",
                f"DOI “{value}” should be entered bare (10.xxxx/…), without the "
                "“https://doi.org/” or “doi:” prefix.",
            )
        ]
    if not DOI_MINIMAL_RE.fullmatch(value):
        return [
            (
                "error",
                "doi-invalid",
                f"DOI “{value}” is not a DOI: it must start with “10.” and have a suffix "
                "after a slash.",
            )
        ]
    if not DOI_RECOMMENDED_RE.fullmatch(value):
        return [
            (
                "warning",
                "doi-unusual",
                f"DOI “{value}” does not match Crossref's recommended pattern; check it resolves.",
            )
        ]
    return []


def _isbn(value: str) -> list[Finding]:
    digits = ISBN_SEPARATORS_RE.sub("", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        if isbn10_check_digit(digits[:9]) != digits[9]:
            return [("error", "isbn-check-digit", f"ISBN “{value}” has a wrong check digit.")]
        return []
    if re.fullmatch(r"\d{13}", digits):
        if isbn13_check_digit(digits[:12]) != digits[12]:
            return [("error", "isbn-check-digit", f"ISBN “{value}” has a wrong check digit.")]
        if not digits.startswith(("978", "979")):
            return [("error", "isbn-invalid", f"ISBN “{value}” must start with 978 or 979.")]
        return []
    return [("error", "isbn-invalid", f"ISBN “{value}” must have 10 or 13 digits.")]


_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "pmid": (PMID_RE, "a number of 1 to 9 digits not starting with 0"),
    "pmcid": (PMCID_RE, "“PMC” followed by digits, e.g. PMC1234567"),
    "nct": (NCT_RE, "“NCT” followed by 8 digits, e.g. NCT01234567"),
    "dailymed_setid": (UUID_RE, "a UUID such as 3e1f6c2b-8a7d-4c5e-9b0a-2d4f6e8a1c35"),
    "nccn_version": (NCCN_VERSION_RE, "“Version N.YYYY”, e.g. Version 2.2025"),
}


def identifier_problems(kind: str, value: str) -> list[Finding]:
    """Syntax problems of one identifier value; raises ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"Unknown identifier kind {kind!r}; expected one of {', '.join(KINDS)}.")
    value = (value or "").strip()
    code = f"{kind.replace('_', '-')}-invalid"
    if not value:
        return [("error", code, f"The {LABELS[kind]} is empty.")]
    if kind == "doi":
        return _doi(value)
    if kind == "isbn":
        return _isbn(value)
    pattern, expected = _PATTERNS[kind]
    if not pattern.fullmatch(value):
        return [("error", code, f"{LABELS[kind]} “{value}” is not valid: expected {expected}.")]
    return []
