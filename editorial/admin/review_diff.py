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

# Words, runs of whitespace and single punctuation marks: "[12]" diffs as "[", "12", "]".
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
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
    matcher = SequenceMatcher(None, a, b, autojunk=len(a) * len(b) > EXACT_LIMIT)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


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
