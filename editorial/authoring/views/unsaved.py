"""What the author typed, read back from an editor POST that could not be saved (the article is
no longer editable, the section was removed meanwhile, the session ended), to show for copying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import QueryDict

from articles.models import Article

META_LABELS = {
    "title": "Clinical question",
    "summary": "Summary",
    "plain_summary": "Plain-language summary",
}
ROW_LABELS = {
    "heading": "heading",
    "body": "text",
    "locator": "where in the source",
    "cited_version": "pinned version",
}
_ROW_KEY = re.compile(r"^([sc])(\d+)-(heading|body|locator|cited_version)$")


@dataclass(frozen=True)
class Typed:
    label: str
    text: str

    @property
    def rows(self) -> int:
        return min(12, max(2, self.text.count("\n") + 1 + len(self.text) // 90))


def _same(typed: str, saved: str | None) -> bool:
    # browsers send a textarea's lines as CRLF, and the forms strip the ends
    return typed.replace("\r\n", "\n").strip() == (saved or "").replace("\r\n", "\n").strip()


def unsaved_texts(
    data: QueryDict, article: Article | None = None, *, removed_only: bool = False
) -> list[Typed]:
    """The texts `data` carries that the saved article does not hold, in page order (with no
    article: every text typed). `removed_only`: only those of rows no longer in the article."""
    sections: dict = {}
    citations: dict = {}
    if article is not None:
        sections = {s.pk: (n, s) for n, s in enumerate(article.sections.all(), start=1)}
        citations = {c.pk: c for c in article.citations.all()}
    found: list[Typed] = []
    for key in data:
        text = data.get(key, "")
        if not text.strip():
            continue
        if key in META_LABELS:
            if not removed_only and not (article and _same(text, getattr(article, key))):
                found.append(Typed(META_LABELS[key], text))
            continue
        match = _ROW_KEY.match(key)
        if match is None:
            continue
        kind, pk, name = match[1], int(match[2]), match[3]
        row, label = _row(kind, pk, sections, citations, has_article=article is not None)
        is_lost = row is None or (not removed_only and not _same(text, getattr(row, name)))
        if is_lost:
            found.append(Typed(f"{label}: {ROW_LABELS[name]}", text))
    return found


def _row(
    kind: str, pk: int, sections: dict, citations: dict, *, has_article: bool
) -> tuple[object | None, str]:
    """The saved row a key names and its label ("Section 3 (Dosing)", "Citation [2]")."""
    if kind == "s" and pk in sections:
        n, section = sections[pk]
        return section, f"Section {n} ({section.heading or section.get_kind_display()})"
    if kind == "c" and pk in citations:
        return citations[pk], f"Citation [{citations[pk].number}]"
    what = "A section" if kind == "s" else "A citation"
    return None, f"{what} removed meanwhile" if has_article else what
