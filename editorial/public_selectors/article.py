"""The article page as readers see it: the approved snapshot, or a pending first review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch

from articles.models import Article, SectionKind, SourceKind, Status
from articles.rendering import render_section, source_links
from editorial.models import StalenessFlag
from editorial.public_selectors.visibility import Visibility, article_visibility, snapshot_exists
from editorial.signatures import snapshot_hash
from reviewers.models import Decision, Disclosure, ReviewAssignment, Specialty

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


@dataclass(frozen=True)
class PublicReviewer:
    name: str
    credentials: str
    decided_at: datetime | None
    member_id: int
    # The member's current reviewers.Disclosure rows (public, as the board promises).
    disclosures: tuple[Any, ...] = ()


@dataclass(frozen=True)
class StaleNotice:
    reason: str
    detected_at: datetime
    # the open staleness flags: which source changed, from which version to which, when
    changes: list[dict[str, Any]] = field(default_factory=list)


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
        .annotate(has_snapshot=snapshot_exists())
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
    """The board members whose signed approval covers the published content, of the published
    round, with credentials and current disclosures (2 queries). An approval signed over other
    content is void (editorial.signatures) and never listed."""
    if article.approved_snapshot is None:
        return []
    approvals = list(
        ReviewAssignment.objects.filter(
            article=article,
            decision=Decision.APPROVED,
            signature__content_sha256=snapshot_hash(article.approved_snapshot),
        )
        .select_related("reviewer__user")
        .prefetch_related(
            Prefetch(
                "reviewer__disclosures",
                queryset=Disclosure.objects.current().order_by("organisation", "pk"),
                to_attr="current_disclosures",
            )
        )
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
            disclosures=tuple(a.reviewer.current_disclosures),
        )
        for a in approvals
        if a.round == round_
    ]


def article_stale_notice_for_public(article: Article) -> StaleNotice | None:
    """Which sources changed and when: the article's open staleness flags (1 query); an
    article flagged by hand without a flag falls back to its latest stale history row."""
    flags = list(
        StalenessFlag.objects.filter(article=article, resolved_at__isnull=True)
        .order_by("detected_at", "pk")
        .values("source__title", "from_version", "to_version", "reason", "detected_at")
    )
    if flags:
        changes = [
            {
                "source": f["source__title"],
                "from_version": f["from_version"],
                "to_version": f["to_version"],
                "reason": f["reason"],
                "detected_at": f["detected_at"],
            }
            for f in flags
        ]
        return StaleNotice(
            reason=flags[0]["reason"], detected_at=flags[0]["detected_at"], changes=changes
        )
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
