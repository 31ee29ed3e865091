"""The wrappers people paste around an identifier: `doi:`, `https://doi.org/`, `pmid:`, PubMed,
PMC, ClinicalTrials.gov and DailyMed addresses, `ISBN-13:`, `v2.2025`. Pure, no I/O."""

from __future__ import annotations

import re
from urllib.parse import unquote

_URL = r"(?:https?://)?(?:www\.)?"
_TAIL = r"/?(?:[?#].*)?"  # a trailing slash, query or fragment after an id in a path

# kind -> patterns tried in order; the first match's "id" group is the identifier.
_WRAPPERS: dict[str, tuple[re.Pattern[str], ...]] = {
    "doi": (
        re.compile(_URL + r"(?:dx\.)?doi\.org/(?:doi:\s*)?(?P<id>.+)", re.IGNORECASE),
        re.compile(r"(?:info:doi/|doi\s*:?\s*)(?P<id>10\..+)", re.IGNORECASE),
    ),
    "pmid": (
        re.compile(_URL + r"pubmed\.ncbi\.nlm\.nih\.gov/(?P<id>[^/?#]+)" + _TAIL, re.IGNORECASE),
        re.compile(_URL + r"ncbi\.nlm\.nih\.gov/pubmed/(?P<id>[^/?#]+)" + _TAIL, re.IGNORECASE),
        re.compile(r"pmid\s*:?\s*(?P<id>.+)", re.IGNORECASE),
    ),
    "pmcid": (
        re.compile(
            _URL + r"(?:ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)/articles/"
            r"(?P<id>[^/?#]+)" + _TAIL,
            re.IGNORECASE,
        ),
        re.compile(r"pmcid\s*:?\s*(?P<id>.+)", re.IGNORECASE),
    ),
    "nct": (
        re.compile(
            r"(?:https?://)?(?:www\.|classic\.)?clinicaltrials\.gov/(?:study|ct2/show)/"
            r"(?P<id>[^/?#]+)" + _TAIL,
            re.IGNORECASE,
        ),
    ),
    "dailymed_setid": (
        re.compile(
            _URL + r"dailymed\.nlm\.nih\.gov/dailymed/[a-z]+\.cfm\?(?:.*&)?setid=(?P<id>[^&#]+)"
            r"(?:[&#].*)?",
            re.IGNORECASE,
        ),
    ),
    "isbn": (re.compile(r"isbn(?:-?1[03])?\s*:?\s*(?P<id>.+)", re.IGNORECASE),),
    "nccn_version": (re.compile(r"(?:version|v)\s*[:.]?\s*(?P<id>[0-9].*)", re.IGNORECASE),),
}
_PREFIX = {"nccn_version": "Version "}


def unwrap(kind: str, text: str) -> str:
    """The identifier inside a pasted wrapper, or the text as it is."""
    for pattern in _WRAPPERS.get(kind, ()):
        match = pattern.fullmatch(text)
        if match:
            found = match.group("id").strip()
            if "://" in text or ".org/" in text.lower() or "setid=" in text.lower():
                found = unquote(found)  # an address percent-encodes "<", ">", "#", "/" …
            return _PREFIX.get(kind, "") + found
    return text
