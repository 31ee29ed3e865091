"""Sentences and dose statements in section text (Markdown). Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A sentence ends at . ! ? (plus closing quotes and any citation markers written after the
# full stop, "… daily. [1]") followed by whitespace; at a blank line; before a list item or a
# heading. A single newline is a soft wrap inside a Markdown paragraph, not a boundary.
# A full stop after an abbreviation does not end the sentence ("give 5 mg, e.g. at night
# [1]"); one fixed-width look-behind each, so the whole split runs inside the regex engine.
_ABBREVIATIONS = ("e.g", "i.e", "vs", "approx", "ca", "cf", "incl", "al", "dr", "no", "fig")
_NOT_AFTER_ABBREVIATION = "".join(
    rf"(?<!\b{re.escape(a)}\.)(?<!\b{re.escape(a.capitalize())}\.)" for a in _ABBREVIATIONS
)
# The leading look-ahead lets the engine skip to candidate characters quickly (~1.5x faster).
_BOUNDARY_RE = re.compile(
    r"(?=[.!?\n])"
    rf"(?:\.{_NOT_AFTER_ABBREVIATION}|[!?])[.!?]*[\"'\u201d\u2019)]*"
    r"(?:[ \t]*\[[0-9][^\]\n]{0,60}\][.,;]?)*(?=\s|$)"
    r"|\n[ \t]*\n"
    r"|\n(?=[ \t]*(?:[-*+]|[0-9]+[.)])[ \t])"
    r"|\n(?=[ \t]*#)"
)

# A number followed by a dose unit: mg, mcg, µg, g, units, IU, mmol, mEq, optionally per m² /
# kg / day / dose / hour. A unit followed by another slash ("mg/dL", "g/L") is a laboratory
# concentration, not a dose, and does not count.
DOSE_RE = re.compile(
    # the digit comes first and the look-behind after it, so the engine can skip ahead to
    # digits instead of trying a look-behind at every character
    r"[0-9](?<![\w.][0-9])[0-9]*(?:[.,][0-9]+)?\s?(?:[-\u2013]\s?[0-9]+(?:[.,][0-9]+)?\s?)?"
    r"(?:mg|mcg|\u00b5g|\u03bcg|ng|g|IU|units?|mmol|mEq)"
    r"(?:/(?:m\u00b2|m2|kg|day|d|dose|h|hr|week|wk)){0,2}"
    r"(?![\w/\u00b2])",
    re.IGNORECASE,
)


def sentence_ends(text: str) -> list[int]:
    """The offset where each sentence ends, in order; the last one is len(text)."""
    ends = [match.end() for match in _BOUNDARY_RE.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each sentence in text, in order, covering all of it."""
    start = 0
    for end in sentence_ends(text):
        if end > start:
            yield start, end
        start = end


def dose_mentions(text: str) -> Iterator[re.Match[str]]:
    """Every dose statement ("150 mg", "1.5 mg/m²", "10 units") in text."""
    return DOSE_RE.finditer(text)


def excerpt(text: str, start: int, end: int, limit: int = 80) -> str:
    """A short, single-line quote of text[start:end] for messages."""
    quoted = " ".join(text[start:end].split())
    return quoted if len(quoted) <= limit else quoted[: limit - 1].rstrip() + "\u2026"
