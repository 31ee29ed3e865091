"""Citation markers in section text: [1], [1,2], [1-3], [1, 3\u20135] (en dash)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A bracket holding numbers separated by commas and ranges (hyphen, en dash or em dash).
MARKER_RE = re.compile(
    r"\[(\s*\d{1,4}\s*(?:[-\u2013\u2014]\s*\d{1,4}\s*)?(?:,\s*\d{1,4}\s*(?:[-\u2013\u2014]\s*\d{1,4}\s*)?)*)\]"
)
RANGE_RE = re.compile(r"(\d+)\s*[-\u2013\u2014]\s*(\d+)")
MAX_RANGE = 200  # a range wider than this is a typo, not a citation list


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    text: str
    numbers: tuple[int, ...]


def parse_markers(text: str) -> Iterator[Marker]:
    """Yield every citation marker in text, with the numbers it cites in order."""
    for match in MARKER_RE.finditer(text or ""):
        numbers: list[int] = []
        for part in match.group(1).split(","):
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
        yield Marker(match.start(), match.end(), match.group(0), tuple(numbers))


def cited_numbers(text: str) -> list[int]:
    """Every number cited in text, in order of appearance (repeats kept)."""
    return [n for marker in parse_markers(text) for n in marker.numbers]
