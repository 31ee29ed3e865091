"""Readers' open problem reports (possible error, out of date) on approved articles: a section
of the staleness report, since a reader may notice before a source does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from editorial.models import PROBLEM_KINDS, FeedbackKind, ReaderFeedback

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class ReaderReportLine:
    feedback_id: int
    article_id: int
    title: str
    author_id: int
    kind_label: str
    excerpt: str
    since: datetime


def reader_report_lines() -> list[ReaderReportLine]:
    """Open problem reports on articles with an approved version, oldest first (1 query)."""
    rows = (
        ReaderFeedback.objects.filter(
            resolved_at__isnull=True,
            kind__in=PROBLEM_KINDS,
            article__approved_snapshot__isnull=False,
        )
        .order_by("created_at", "pk")
        .values_list(
            "id",
            "article_id",
            "article__title",
            "article__author_id",
            "kind",
            "message",
            "created_at",
        )
    )
    return [
        ReaderReportLine(
            pk,
            article_id,
            title,
            author_id,
            FeedbackKind(kind).label,
            " ".join(message.split())[:EXCERPT_CHARS],
            created_at,
        )
        for pk, article_id, title, author_id, kind, message, created_at in rows
    ]
