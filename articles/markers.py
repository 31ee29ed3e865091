"""Citation markers in section text: [1], [1,2], [1-3], [1, 3\u20135] (en dash).

Pure functions; parse_markers never raises, whatever the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

DASHES = "-\u2010\u2011\u2012\u2013\u2014"
_NUM = r"[0-9]{1,4}"  # ASCII only: other Unicode digits are not citation numbers
_ITEM = rf"\s*{_NUM}\s*(?:[{DASHES}]\s*{_NUM}\s*)?"
# A bracket holding numbers separated by commas and ranges (hyphen, en dash or em dash).
MARKER_RE = re.compile(rf"\[({_ITEM}(?:,{_ITEM})*)\]")
RANGE_RE = re.compile(rf"({_NUM})\s*[{DASHES}]\s*({_NUM})")
MAX_RANGE = 200  # a range wider than this is a typo, not a citation list


class Marker(NamedTuple):
    # a NamedTuple, not a dataclass: a long article has thousands and this is the hot path
    start: int
    end: int
    text: str
    numbers: tuple[int, ...]


def _numbers(inner: str) -> list[int]:
    if inner.isdigit():
        return [int(inner)]
    numbers: list[int] = []
    for part in inner.split(","):
        part = part.strip()
        ranged = RANGE_RE.fullmatch(part)
        if ranged:
            low, high = int(ranged.group(1)), int(ranged.group(2))
            if low <= high and high - low <= MAX_RANGE:
                numbers.extend(range(low, high + 1))
            else:
                numbers.extend([low, high])
        else:
            numbers.append(int(part))
    return numbers


def parse_markers(text: str) -> Iterator[Marker]:
    """Yield every citation marker in text, with the numbers it cites in order."""
    for match in MARKER_RE.finditer(text or ""):
        yield Marker(match.start(), match.end(), match.group(0), tuple(_numbers(match.group(1))))


def cited_numbers(text: str) -> list[int]:
    """Every number cited in text, in order of appearance (repeats kept)."""
    return [n for marker in parse_markers(text) for n in marker.numbers]


def format_marker(numbers: Iterable[int], *, like: str = "") -> str:
    """A marker citing numbers: sorted, runs of three or more as a range, in the style of `like`.

    `like` is the marker being replaced: its separator (", " or ",") and dash are kept.
    """
    ordered = sorted(set(numbers))
    separator = ", " if ", " in like else ","
    dash = next((c for c in like if c in DASHES), "-")
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        # a run longer than MAX_RANGE would not parse back as a range: split it
        while (
            j + 1 < len(ordered)
            and ordered[j + 1] == ordered[j] + 1
            and ordered[j + 1] - ordered[i] <= MAX_RANGE
        ):
            j += 1
        if j - i >= 2:
            parts.append(f"{ordered[i]}{dash}{ordered[j]}")
        else:
            parts.extend(str(n) for n in ordered[i : j + 1])
        i = j + 1
    return "[" + separator.join(parts) + "]"


def replace_markers(text: str, mapping: dict[int, int]) -> str:
    """Text with every marker's numbers mapped; markers whose numbers do not change are kept
    byte for byte."""
    out: list[str] = []
    last = 0
    for marker in parse_markers(text):
        new = [mapping.get(n, n) for n in marker.numbers]
        if new == list(marker.numbers):
            continue
        out.append(text[last : marker.start])
        out.append(format_marker(new, like=marker.text))
        last = marker.end
    out.append(text[last:])
    return "".join(out)
