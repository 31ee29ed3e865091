"""An article's versions and readable diffs between any two, from simple-history's rows.

A version is one historical Article row: every content change saves the article first and its
sections and citations after (editorial.authoring.services). So a version holds the child rows
written
from its own row up to the next version's row; writes that bypass the services (fixtures, the
demo seed, admin inlines) land in the version before them, where they happened. The children
are rebuilt in Python from their own history rows, loaded once per article: the page runs a
fixed number of queries however long the history is.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from articles.models import Article, Citation, Risk, Section, SectionKind, Source, Status
from reviewers.models import Specialty

KIND_LABELS = dict(SectionKind.choices)
PARTS = ("Question and summary", "Sections", "Citations")
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add" | "del" | "ctx" | "hunk"
    text: str


@dataclass(frozen=True)
class DiffBlock:
    label: str
    lines: list[DiffLine]

    @property
    def is_changed(self) -> bool:
        return any(line.kind in ("add", "del") for line in self.lines)


def article_version_list(article: Article) -> list:
    """The article's historical rows, newest first, with who made each."""
    return list(
        Article.history.filter(id=article.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


class VersionTexts:
    """Text of any version of one article (three queries on first use, then none)."""

    def __init__(self, article: Article, versions: list) -> None:
        self.article = article
        # version -> when the next one starts (its children are written after its own row)
        newest_first = sorted(versions, key=lambda v: (v.history_date, v.history_id), reverse=True)
        self._until = {v.history_id: END_OF_TIME for v in newest_first[:1]}
        for newer, older in pairwise(newest_first):
            self._until[older.history_id] = newer.history_date
        self._rows: dict[str, dict[int, list]] | None = None
        self._sources: dict[int, str] = {}
        self._specialties: dict[int, str] = {}

    def _load(self) -> dict[str, dict[int, list]]:
        if self._rows is None:
            self._rows = {}
            for name, model in (("sections", Section), ("citations", Citation)):
                grouped: dict[int, list] = defaultdict(list)
                for row in model.history.filter(article_id=self.article.pk).order_by(
                    "history_date", "history_id"
                ):
                    grouped[row.id].append(row)
                self._rows[name] = grouped
            source_ids = {r.source_id for rows in self._rows["citations"].values() for r in rows}
            self._sources = dict(
                Source.objects.filter(pk__in=source_ids).values_list("pk", "title")
            )
            self._specialties = dict(Specialty.objects.values_list("pk", "name"))
        return self._rows

    def _state(self, name: str, until: datetime) -> list:
        """The rows alive just before `until`."""
        live = []
        for rows in self._load()[name].values():
            current = None
            for row in rows:
                if row.history_date >= until:
                    break
                current = row
            if current is not None and current.history_type != "-":
                live.append(current)
        return live

    def texts(self, version) -> dict[str, str]:
        """{"Question and summary": ..., "Sections": ..., "Citations": ...} of one version
        (None: the empty article before its first version)."""
        if version is None:
            return dict.fromkeys(PARTS, "")
        until = self._until.get(version.history_id, END_OF_TIME)
        sections = sorted(self._state("sections", until), key=_position)
        citations = sorted(self._state("citations", until), key=_number)
        specialty = self._specialties.get(version.specialty_id, "—")
        meta = [
            f"Question: {version.title}",
            f"Specialty: {specialty}",
            f"Risk: {Risk(version.risk).label}",
            f"Status: {Status(version.status).label}",
            "",
            "Summary:",
            *version.summary.splitlines(),
        ]
        body: list[str] = []
        for s in sections:
            heading = s.heading or KIND_LABELS.get(s.kind, s.kind)
            body += [f"## {heading} ({KIND_LABELS.get(s.kind, s.kind)})", *s.body.splitlines(), ""]
        cites = [
            f"[{c.number}] {self._sources.get(c.source_id, 'deleted source')}"
            + (f" — {c.locator}" if c.locator else "")
            + (f" (version {c.cited_version})" if c.cited_version else "")
            for c in citations
        ]
        return dict(
            zip(PARTS, ("\n".join(meta), "\n".join(body).rstrip(), "\n".join(cites)), strict=True)
        )

    def diff(self, old, new) -> list[DiffBlock]:
        """Line diff of each part between two versions (old first)."""
        before, after = self.texts(old), self.texts(new)
        return [DiffBlock(label, _diff_lines(before[label], after[label])) for label in before]


def _position(row) -> tuple[int, int]:
    return (row.position, row.id)


def _number(row) -> tuple[int, int]:
    return (row.number, row.id)


def _diff_lines(before: str, after: str) -> list[DiffLine]:
    lines = []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2)
    for text in list(diff)[2:]:  # skip the ---/+++ file header
        if text.startswith("@@"):
            lines.append(DiffLine("hunk", "…"))
        elif text.startswith("+"):
            lines.append(DiffLine("add", text[1:]))
        elif text.startswith("-"):
            lines.append(DiffLine("del", text[1:]))
        else:
            lines.append(DiffLine("ctx", text[1:]))
    return lines


def version_for_token(versions: list, token: datetime | None):
    """The version whose saved `updated_at` is the editor's token (None if not found)."""
    for version in versions:
        if version.updated_at == token:
            return version
    return None
