"""In-memory articles for the pure citation checks: no database needed."""

from __future__ import annotations

from itertools import count

from articles.models import Citation, Section, Source

_ids = count(1)

JOURNAL = {"kind": "journal_article", "doi": "10.1056/NEJMoa1505270"}


def source(**fields) -> Source:
    """A valid journal article unless fields say otherwise (unique pk and DOI)."""
    pk = next(_ids)
    defaults = {"kind": "journal_article", "title": f"Source {pk}", "doi": f"10.1000/test.{pk}"}
    return Source(pk=pk, **{**defaults, **fields})


def section(body: str, kind: str = "research", heading: str = "") -> Section:
    return Section(pk=next(_ids), kind=kind, heading=heading or kind.title(), body=body)


def cite(number: int, src: Source | None = None, **fields) -> Citation:
    src = src or source()
    return Citation(pk=next(_ids), number=number, source=src, **fields)
