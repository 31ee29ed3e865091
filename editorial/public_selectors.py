"""Reads for the public site: which articles readers may see, and what exactly they see.

Readers see the stored approved snapshot, never the live rows of a revision in progress. The
only live rows ever shown are those of an article submitted or under review for the first time
(no snapshot yet), and only while PUBLIC_SHOWS_PENDING is on, without the board's badge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from articles.models import Article, Risk, SectionKind, SourceKind, Status
from articles.rendering import render_section, source_links
from reviewers.models import Decision, ReviewAssignment, Specialty

PER_PAGE = 20
# Bump when the public templates change what a page shows, so cached ETags stop matching.
PAGE_VERSION = "1"
PENDING_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)
TRACKER_STEPS = ("Submitted", "Under Review", "Approved")
# The source fields a pending page shows, as the approved snapshot stores them.
_SOURCE_FIELDS = [
    "kind",
    "title",
    "issuer",
    "url",
    "doi",
    "pmid",
    "pmcid",
    "nct_id",
    "dailymed_setid",
]


class Visibility:
    REVIEWED = "reviewed"  # the approved snapshot (approved, stale or revision in progress)
    PENDING = "pending"  # first review, live rows, caution and no badge
    GONE = "gone"  # archived after readers could see it: 410


def shows_pending() -> bool:
    return bool(getattr(settings, "PUBLIC_SHOWS_PENDING", True))


def article_visibility(*, status: str, has_snapshot: bool, was_submitted: bool) -> str | None:
    """What readers get for an article: a Visibility value, or None for "not found"."""
    if status == Status.ARCHIVED:
        # An archived article that readers never saw stays unknown: nothing about drafts leaks.
        was_public = has_snapshot or (was_submitted and shows_pending())
        return Visibility.GONE if was_public else None
    if has_snapshot:
        return Visibility.REVIEWED
    if status in PENDING_STATUSES and shows_pending():
        return Visibility.PENDING
    return None


@dataclass(frozen=True)
class PublicVersion:
    visibility: str
    modified_at: datetime

    def etag(self, *variants: str) -> str:
        key = ":".join([PAGE_VERSION, self.visibility, self.modified_at.isoformat(), *variants])
        return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def article_version_for_public(slug: str) -> PublicVersion | None:
    """Cheap freshness probe for conditional GET (1 query); None when readers may not see it."""
    last_decision = ReviewAssignment.objects.filter(
        article=OuterRef("pk"), decided_at__isnull=False
    )
    row = (
        Article.objects.filter(slug=slug)
        .annotate(
            has_snapshot=_has_snapshot(),
            # a late approver of the approved round joins "reviewed by" without an article save
            last_decided_at=Subquery(
                last_decision.order_by("-decided_at").values("decided_at")[:1]
            ),
        )
        .values_list("status", "has_snapshot", "submitted_at", "updated_at", "last_decided_at")
        .first()
    )
    if row is None:
        return None
    status, has_snapshot, submitted_at, updated_at, last_decided_at = row
    visibility = article_visibility(
        status=status, has_snapshot=bool(has_snapshot), was_submitted=submitted_at is not None
    )
    if visibility in (None, Visibility.GONE):
        return None
    return PublicVersion(visibility, max(filter(None, (updated_at, last_decided_at))))


def _has_snapshot() -> ExpressionWrapper:
    return ExpressionWrapper(Q(approved_snapshot__isnull=False), output_field=BooleanField())


# --- the article page ---


@dataclass(frozen=True)
class PublicReviewer:
    name: str
    credentials: str
    decided_at: datetime | None
    member_id: int
    # Filled by the disclosures feature (reviewers.Disclosure); the partial already renders it.
    disclosures: tuple[Any, ...] = ()


@dataclass(frozen=True)
class StaleNotice:
    reason: str
    detected_at: datetime


@dataclass
class PublicArticle:
    slug: str
    visibility: str
    status: str
    title: str
    summary: str
    plain_summary: str
    risk: str
    specialty: Specialty | None
    sections: list[dict[str, str]]
    references: list[dict[str, Any]]
    approved_at: datetime | None
    last_updated_at: datetime | None
    next_review_due: date | None
    reviewers: list[PublicReviewer] = field(default_factory=list)
    stale_notice: StaleNotice | None = None

    @property
    def is_reviewed(self) -> bool:
        return self.visibility == Visibility.REVIEWED

    @property
    def tracker_step(self) -> int:
        """1-based index into TRACKER_STEPS of the step the article has reached."""
        if self.is_reviewed:
            return 3
        return 2 if self.status == Status.UNDER_REVIEW else 1


def article_for_public(slug: str) -> PublicArticle | str | None:
    """The page a reader sees (2-5 queries), Visibility.GONE for an archived one, or None."""
    article = (
        Article.objects.select_related("specialty")
        .annotate(has_snapshot=_has_snapshot())
        .filter(slug=slug)
        .first()
    )
    if article is None:
        return None
    visibility = article_visibility(
        status=article.status,
        has_snapshot=article.has_snapshot,
        was_submitted=article.submitted_at is not None,
    )
    if visibility in (None, Visibility.GONE):
        return visibility
    if visibility == Visibility.REVIEWED:
        page = _from_snapshot(article)
        page.reviewers = article_reviewers_for_public(article)
    else:
        page = _from_live_rows(article)
    if article.status == Status.STALE:
        page.stale_notice = article_stale_notice_for_public(article)
    return page


def _from_snapshot(article: Article) -> PublicArticle:
    snap = article.approved_snapshot
    return PublicArticle(
        slug=article.slug,
        visibility=Visibility.REVIEWED,
        status=article.status,
        title=snap.get("title", ""),
        summary=snap.get("summary", ""),
        plain_summary=snap.get("plain_summary", ""),
        risk=snap.get("risk", article.risk),
        specialty=article.specialty,
        sections=[_section(s) for s in snap.get("sections", [])],
        references=[_reference(c) for c in snap.get("citations", [])],
        approved_at=article.approved_at,
        last_updated_at=article.approved_at,
        next_review_due=article.next_review_due,
    )


def _from_live_rows(article: Article) -> PublicArticle:
    sections = article.sections.order_by("position", "pk")
    citations = article.citations.select_related("source").order_by("number", "pk")
    return PublicArticle(
        slug=article.slug,
        visibility=Visibility.PENDING,
        status=article.status,
        title=article.title,
        summary=article.summary,
        plain_summary=article.plain_summary,
        risk=article.risk,
        specialty=article.specialty,
        sections=[
            _section({"kind": s.kind, "heading": s.heading, "body": s.body}) for s in sections
        ],
        references=[
            _reference(
                {
                    "number": c.number,
                    "locator": c.locator,
                    "cited_version": c.cited_version,
                    "source": {name: getattr(c.source, name) for name in _SOURCE_FIELDS},
                }
            )
            for c in citations
        ],
        approved_at=None,
        last_updated_at=article.submitted_at,
        next_review_due=None,
    )


def _section(section: dict[str, Any]) -> dict[str, str]:
    kind = section.get("kind", SectionKind.OTHER)
    label = SectionKind(kind).label if kind in SectionKind.values else ""
    return {
        "kind": kind,
        "heading": section.get("heading") or label,
        "html": render_section(section.get("body", "")),
    }


def _reference(citation: dict[str, Any]) -> dict[str, Any]:
    source = citation.get("source", {})
    kind = source.get("kind", "")
    return {
        "number": citation.get("number"),
        "title": source.get("title", ""),
        "issuer": source.get("issuer", ""),
        "kind": kind,
        "kind_label": SourceKind(kind).label if kind in SourceKind.values else "",
        "locator": citation.get("locator", ""),
        "version": citation.get("cited_version", ""),
        "links": source_links(source),
    }


def article_reviewers_for_public(article: Article) -> list[PublicReviewer]:
    """The board members who approved the published round, with credentials (1 query)."""
    approvals = list(
        ReviewAssignment.objects.filter(article=article, decision=Decision.APPROVED)
        .select_related("reviewer__user")
        .order_by("-round", "decided_at", "pk")
    )
    round_ = (article.approved_snapshot or {}).get("review_round")
    if round_ is None:
        # Snapshots taken before the round was recorded: the latest round approved by then.
        rounds = [
            a.round
            for a in approvals
            if article.approved_at and a.decided_at and a.decided_at <= article.approved_at
        ]
        round_ = max(rounds, default=None)
    return [
        PublicReviewer(
            name=a.reviewer.user.get_full_name() or a.reviewer.user.get_username(),
            credentials=a.reviewer.credentials,
            decided_at=a.decided_at,
            member_id=a.reviewer_id,
        )
        for a in approvals
        if a.round == round_
    ]


def article_stale_notice_for_public(article: Article) -> StaleNotice | None:
    """Why and when the article was flagged stale: its latest stale history row (1 query)."""
    row = (
        Article.history.filter(id=article.pk, status=Status.STALE)
        .order_by("-history_date")
        .values_list("history_change_reason", "history_date")
        .first()
    )
    if row is None:
        return None
    reason, detected_at = row
    reason = (reason or "").removeprefix("flagged stale:").strip()
    return StaleNotice(reason=reason, detected_at=detected_at)


# --- the index ---


def article_list_for_public(*, query: str = "", specialty: str = "", page: Any = 1) -> Page:
    """Published (and, if shown, pending) articles, newest first: count, ids, rows (3 queries)."""
    articles = _visible_articles()
    if specialty:
        articles = articles.filter(specialty__slug=specialty)
    query = " ".join(query.split())[:200]
    ordering = ["-listed_at", "-pk"]
    if query and connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config="english")
        vector = SearchVector("public_title", weight="A", config="english") + SearchVector(
            "public_summary", weight="B", config="english"
        )
        articles = _with_public_text(articles).annotate(document=vector).filter(document=search)
        articles = articles.annotate(rank=SearchRank(F("document"), search))
        ordering = ["-rank", *ordering]
    elif query:
        articles = _with_public_text(articles).filter(
            Q(public_title__icontains=query) | Q(public_summary__icontains=query)
        )
    # Sort and slice on plain columns first: reading the title out of every approved snapshot
    # while sorting would decompress all of them (200 ms at 10,000 articles on PostgreSQL).
    ids = articles.order_by(*ordering).values_list("pk", flat=True)
    result = Paginator(ids, PER_PAGE).get_page(page)
    page_ids = list(result.object_list)
    rows = _with_public_text(Article.objects.filter(pk__in=page_ids))
    by_pk = {a.pk: a for a in _for_listing(rows)}
    result.object_list = [by_pk[pk] for pk in page_ids]
    return result


def _visible_articles() -> QuerySet[Article]:
    visible = Q(approved_snapshot__isnull=False)
    if shows_pending():
        visible |= Q(approved_snapshot__isnull=True, status__in=PENDING_STATUSES)
    return (
        Article.objects.exclude(status=Status.ARCHIVED)
        .filter(visible)
        .annotate(listed_at=Coalesce(F("approved_at"), F("submitted_at")))
    )


def _with_public_text(articles: QuerySet[Article]) -> QuerySet[Article]:
    # the approved wording for published articles, live rows only for pending ones
    return articles.annotate(
        public_title=Coalesce(KT("approved_snapshot__title"), F("title"), output_field=TextField()),
        public_summary=Coalesce(
            KT("approved_snapshot__summary"), F("summary"), output_field=TextField()
        ),
    )


def _for_listing(articles: QuerySet[Article]) -> QuerySet[Article]:
    return (
        articles.select_related("specialty")
        .annotate(
            listed_at=Coalesce(F("approved_at"), F("submitted_at")),
            is_pending=ExpressionWrapper(
                Q(approved_snapshot__isnull=True), output_field=BooleanField()
            ),
        )
        .only("slug", "status", "approved_at", "submitted_at", "specialty__name", "specialty__slug")
    )


def specialty_list_for_public() -> list[Specialty]:
    """Every specialty, for the index filter (1 query); no counts, so drafts stay invisible."""
    return list(Specialty.objects.order_by("name").only("name", "slug"))


# --- the editorial policy ---


@dataclass(frozen=True)
class EditorialPolicy:
    risk_rules: list[dict[str, Any]]
    review_due_days: int
    shows_pending: bool
    pharmacist_for_labels: bool


def editorial_policy() -> EditorialPolicy:
    """The review rules as the system enforces them, read from the live settings."""
    quorum, intervals = settings.REVIEW_QUORUM, settings.REVIEW_INTERVAL_DAYS
    risk_rules = [
        {
            "risk": label,
            "quorum": quorum.get(value, quorum["standard"]),
            "interval_days": intervals.get(value, intervals["standard"]),
        }
        for value, label in Risk.choices
    ]
    return EditorialPolicy(
        risk_rules=risk_rules,
        review_due_days=settings.REVIEW_DUE_DAYS,
        shows_pending=shows_pending(),
        pharmacist_for_labels=bool(getattr(settings, "REVIEW_PHARMACIST_FOR_LABELS", True)),
    )
