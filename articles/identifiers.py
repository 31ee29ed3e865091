"""Identifiers as the registries define them: DOI, PMID, PMCID, NCT, DailyMed set id, ISBN and
NCCN version. Pure functions, no I/O.

Every input goes through `normalize_identifier`: what people paste (Unicode dashes and spaces,
full-width digits, `doi:` / `https://doi.org/` / PubMed URLs, lower-case `pmc`, PMID leading
zeros, ISBN-10) becomes the one canonical form that is stored, or a ValidationError naming the
rule it breaks. After the clean-up an identifier must be ASCII: `\\d` would accept a Balinese or
Arabic-Indic digit that no registry knows. `identifier_problems` returns (severity, code,
message) triples for articles.citations.check_identifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from articles.identifier_wrappers import unwrap

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

# DOI Handbook 2.2.2: the prefix is "10." plus a registrant code of digits, which may have
# dotted numeric sub-codes (10.1000.10/…). The suffix is any printable ASCII without spaces.
DOI_RE = re.compile(r"10\.[0-9]+(?:\.[0-9]+)*/[\x21-\x7e]+")
# Crossref's recommended pattern; real DOIs outside it exist, so failing it is only a warning.
DOI_RECOMMENDED_RE = re.compile(r"10\.[0-9]{4,9}/[-._;()/:A-Z0-9]+", re.IGNORECASE)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# NCCN numbers the versions of a year from 1: "Version 1.2025" is the year's first.
NCCN_VERSION_RE = re.compile(r"Version ([1-9][0-9]{0,2})\.((?:19|20)[0-9]{2})")
_DIGITS_RE = re.compile(r"[0-9]+")
MAX_INPUT_LENGTH = 1000  # the longest pasted address worth reading (Source.doi holds 200)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    expected: str  # the rule, as a sentence fragment


RULES: dict[str, Rule] = {
    "pmid": Rule(re.compile(r"[1-9][0-9]{0,8}"), "a number of 1 to 9 digits, e.g. 26030518"),
    "pmcid": Rule(re.compile(r"PMC[1-9][0-9]{0,9}"), "“PMC” followed by digits, e.g. PMC4615340"),
    "nct": Rule(re.compile(r"NCT[0-9]{8}"), "“NCT” followed by 8 digits, e.g. NCT01942135"),
    "dailymed_setid": Rule(
        UUID_RE,
        "a UUID of 8-4-4-4-12 hexadecimal digits, e.g. be4bc0de-0fdc-4d46-8d25-be43c79e6a06",
    ),
    "nccn_version": Rule(NCCN_VERSION_RE, "“Version N.YYYY” with N from 1, e.g. Version 2.2025"),
}

# Unicode dashes (category Pd) and the minus sign are pasted from word processors and PDFs.
_DASHES = {
    chr(c): "-"
    for c in range(0x80, 0x10000)
    if unicodedata.category(chr(c)) == "Pd" or c in (0x2212, 0xFE63, 0xFF0D)
}
_SPACES = {chr(c): " " for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) == "Zs"}
# Invisible characters that ride along with a copy from a web page.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_TRANSLATION = str.maketrans({**_DASHES, **_SPACES}) | _INVISIBLE
_LOOKALIKE_TAGS = ("<super>", "<sub>", "<circle>", "<fraction>", "<square>")


def clean_text(value: str) -> str:
    """Unicode NFKC, Unicode dashes and spaces to ASCII, invisible characters dropped,
    surrounding whitespace stripped."""
    if value.isascii():
        return value.strip()  # the common case, kept fast for the 200-citation check
    return unicodedata.normalize("NFKC", value).translate(_TRANSLATION).strip()


def _error(kind: str, value: str, rule: str, code: str = "") -> ValidationError:
    code = code or f"{kind.replace('_', '-')}-invalid"
    return ValidationError(f"{LABELS[kind]} “{value}” is not valid: {rule}.", code=code)


def _foreign_char(kind: str, value: str, char: str) -> ValidationError:
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    return _error(
        kind, value, f"it contains “{char}” ({name}); identifiers are written in ASCII only"
    )


def _refuse_lookalikes(kind: str, value: str) -> None:
    """NFKC would turn "²" or "⑦" into a digit: a footnote mark or a bullet is not part of
    an identifier (python-stdnum refuses them too), unlike a full-width digit."""
    for char in value:
        if not char.isascii() and unicodedata.decomposition(char).startswith(_LOOKALIKE_TAGS):
            raise _foreign_char(kind, value, char)


def _require_ascii(kind: str, value: str) -> None:
    for char in value:
        if not char.isascii():
            raise _foreign_char(kind, value, char)


def _doi(value: str) -> str:
    if DOI_RE.fullmatch(value):
        return value
    prefix, slash, suffix = value.partition("/")
    if not prefix.startswith("10."):
        raise _error("doi", value, "a DOI starts with “10.”, e.g. 10.1056/NEJMoa1505270")
    if not re.fullmatch(r"10\.[0-9]+(?:\.[0-9]+)*", prefix):
        raise _error(
            "doi",
            value,
            f"the prefix “{prefix}” must be “10.” followed by a numeric registrant code "
            "(dotted numeric sub-codes allowed), e.g. 10.1056",
        )
    if not slash or not suffix:
        raise _error("doi", value, "a DOI has a suffix after the slash, e.g. 10.1056/NEJMoa1505270")
    raise _error("doi", value, "the suffix after the slash must not contain spaces")


def _isbn(value: str) -> str:
    try:
        return stdnum_isbn.validate(value, convert=True)
    except InvalidChecksum:
        raise _error("isbn", value, "the check digit is wrong", "isbn-check-digit") from None
    except InvalidComponent:
        raise _error("isbn", value, "an ISBN-13 starts with 978 or 979") from None
    except InvalidLength:
        raise _error("isbn", value, "an ISBN has 10 or 13 digits") from None
    except StdnumError:
        raise _error(
            "isbn", value, "an ISBN is digits, hyphens or spaces (an ISBN-10 may end in X)"
        ) from None


def _pattern(kind: str, entered: str) -> str:
    value = entered
    if kind == "pmid" and _DIGITS_RE.fullmatch(value):
        value = value.lstrip("0") or value  # PubMed ignores leading zeros; "0" stays wrong
    elif kind in ("pmcid", "nct"):
        value = value.upper()
    elif kind == "dailymed_setid":
        value = value.lower()
    rule = RULES[kind]
    if not rule.pattern.fullmatch(value):
        raise _error(kind, entered, f"expected {rule.expected}")
    return value


def normalize_identifier(kind: str, value: str) -> str:
    """The canonical form of an identifier as people paste it, or ValidationError (with a
    stable code) naming the rule it breaks. Raises ValueError for an unknown kind."""
    if kind not in LABELS:
        raise ValueError(f"Unknown identifier kind {kind!r}; expected one of {', '.join(KINDS)}.")
    value = value or ""
    if len(value) > MAX_INPUT_LENGTH:
        raise _error(kind, value[:40] + "…", f"it is longer than {MAX_INPUT_LENGTH} characters")
    canonical, code, message = _normalized(kind, value)
    if code:
        raise ValidationError(message, code=code)
    return canonical


# A citation check sees the same few hundred library identifiers on every page; the function
# is pure, so remembering results is safe (a fresh ValidationError is raised on every call).
@lru_cache(maxsize=4096)
def _normalized(kind: str, value: str) -> tuple[str, str, str]:
    """(canonical, "", "") or ("", error code, message)."""
    try:
        return _normalize(kind, value), "", ""
    except ValidationError as exc:
        return "", str(exc.code), exc.messages[0]


def _normalize(kind: str, value: str) -> str:
    if not value.isascii():
        _refuse_lookalikes(kind, value.strip())
    text = clean_text(value)
    if not text:
        raise ValidationError(
            f"The {LABELS[kind]} is empty.", code=f"{kind.replace('_', '-')}-invalid"
        )
    text = unwrap(kind, text)
    _require_ascii(kind, text)
    if kind == "doi":
        return _doi(text)
    if kind == "isbn":
        return _isbn(text)
    return _pattern(kind, text)


def normalization_note(kind: str, value: str, canonical: str) -> str:
    """What the normalisation changed, for the person who entered `value` ("" if nothing)."""
    entered = (value or "").strip()
    if entered == canonical:
        return ""
    return f"{LABELS[kind]} “{entered}” was stored as “{canonical}”."


def identifier_problems(kind: str, value: str) -> list[Finding]:
    """Problems of one identifier value: an error naming the broken rule, a warning for a
    valid value not stored in its canonical form or a DOI outside Crossref's recommended
    pattern. Raises ValueError for an unknown kind."""
    try:
        canonical = normalize_identifier(kind, value)
    except ValidationError as exc:
        return [("error", str(exc.code), exc.messages[0])]
    code = kind.replace("_", "-")
    if canonical != value:
        return [
            (
                "warning",
                f"{code}-not-canonical",
                f"{LABELS[kind]} “{value}” is valid but not in its canonical form "
                f"“{canonical}”; save the source again to store it.",
            )
        ]
    if kind == "doi" and not DOI_RECOMMENDED_RE.fullmatch(canonical):
        return [
            (
                "warning",
                "doi-unusual",
                f"DOI “{value}” does not match Crossref's recommended pattern; check it resolves.",
            )
        ]
    return []


def canonical_or_none(kind: str, value: str) -> str | None:
    """The canonical form, or None for an empty or invalid value."""
    try:
        return normalize_identifier(kind, value)
    except ValidationError:
        return None


def normalize_isbn(value: str) -> str | None:
    """The ISBN-13 for a valid ISBN-10 or ISBN-13, else None."""
    return canonical_or_none("isbn", value)


def nccn_version_key(value: str) -> tuple[int, int] | None:
    """(year, version) for "Version N.YYYY", so versions compare in time order."""
    canonical = canonical_or_none("nccn_version", value)
    match = NCCN_VERSION_RE.fullmatch(canonical or "")
    return (int(match.group(2)), int(match.group(1))) if match else None
