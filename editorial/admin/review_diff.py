"""Word-level, section-by-section diffs of an article's text for the review page: what changed
since the version the board last approved, and since the previous round. Insertions are
marked `<ins>`, deletions `<del>` (contract); the text is the Markdown source, escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word or a punctuation mark with the whitespace after it ("[12] " diffs as "[", "12", "] "):
# half the tokens of splitting the whitespace off, and the same marks for a reader.
TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
# Above this many token pairs difflib's quadratic worst case starts to show (a 50,000-character
# section rewritten wholesale); the junk heuristic keeps such a diff fast, if coarser.
EXACT_LIMIT = 4_000_000


@dataclass(frozen=True)
class SectionDiff:
    heading: SafeString
    body: SafeString
    status: str  # "unchanged", "changed", "added", "removed"

    @property
    def is_changed(self) -> bool:
        return self.status != "unchanged"


def word_diff(old: str, new: str) -> SafeString:
    """`new` as HTML with the words removed from `old` in <del> and the words added in <ins>."""
    if old == new:
        return escape(new)
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    # An edit touches a few words: match the common head and tail outright, so difflib (quadratic
    # at worst) only sees the part that changed.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    out: list[str] = [escape("".join(a[:head]))]
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    out += _changed(mid_a, mid_b)
    out.append(escape("".join(a[len(a) - tail :])))
    return mark_safe("".join(out))


def _changed(a: list[str], b: list[str]) -> list[str]:
    matcher = SequenceMatcher(None, a, b, autojunk=len(a) * len(b) > EXACT_LIMIT)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        # "10 " -> "20 ": mark the words, not the space both keep after them
        space = _common_trailing_space(removed, added) if removed and added else ""
        if removed:
            out.append(f"<del>{escape(removed[: len(removed) - len(space)])}</del>")
        if added:
            out.append(f"<ins>{escape(added[: len(added) - len(space)])}</ins>")
        out.append(escape(space))
    return out


def _common_trailing_space(x: str, y: str) -> str:
    n = 0
    while n < min(len(x), len(y)) and x[-1 - n] == y[-1 - n] and x[-1 - n].isspace():
        n += 1
    return x[len(x) - n :]


def _key(section: dict[str, Any]) -> tuple[str, str]:
    return (section.get("kind", ""), (section.get("heading") or "").strip().lower())


def sections_diff(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SectionDiff]:
    """Pair old and new sections (by kind and heading, in order) and diff each pair's words;
    a section only in `new` is all inserted, one only in `old` all deleted."""
    matcher = SequenceMatcher(None, [_key(s) for s in old], [_key(s) for s in new], autojunk=False)
    diffs: list[SectionDiff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if tag in ("equal", "replace") else 0
        for before, after in zip(olds[:paired], news[:paired], strict=True):
            diffs.append(_pair(before, after))
        diffs += [_pair(None, after) for after in news[paired:]]
        diffs += [_pair(before, None) for before in olds[paired:]]
    return diffs


def _pair(before: dict[str, Any] | None, after: dict[str, Any] | None) -> SectionDiff:
    old_heading = (before or {}).get("heading", "")
    new_heading = (after or {}).get("heading", "")
    old_body = (before or {}).get("body", "")
    new_body = (after or {}).get("body", "")
    if before is None:
        status = "added"
    elif after is None:
        status = "removed"
    else:
        same = old_heading == new_heading and old_body == new_body and _key(before) == _key(after)
        status = "unchanged" if same else "changed"
    return SectionDiff(
        heading=word_diff(old_heading, new_heading),
        body=word_diff(old_body, new_body),
        status=status,
    )


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Title, summaries and sections of two snapshots, diffed; with a count of what changed."""
    sections = sections_diff(old.get("sections", []), new.get("sections", []))
    fields = [
        (label, word_diff(old.get(key) or "", new.get(key) or ""), old.get(key) != new.get(key))
        for key, label in (
            ("title", "Clinical question"),
            ("summary", "Summary"),
            ("plain_summary", "Plain-language summary"),
        )
    ]
    return {
        "fields": fields,
        "sections": sections,
        "changed": sum(s.is_changed for s in sections) + sum(f[2] for f in fields),
    }
