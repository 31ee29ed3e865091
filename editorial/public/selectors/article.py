"""The article page as readers see it: the approved snapshot, or a pending first review."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Audience, Status
from articles.snapshot import snapshot_hash
from editorial.audit.snapshots import covering_round, signed_approval
from editorial.models import StalenessFlag
from editorial.public.render import (
    citation_json_ld,
    public_reference,
    public_section,
    render_body,
    render_snapshot,
    stored_rendering,
)
from editorial.public.selectors.changes import (
    Approval,
    PublicChange,
    article_approvals,
    article_changes_for_public,
)
from editorial.public.selectors.directory import (
    PublicDisclosure,
    board_for_public,
    specialty_for_public,
)
from editorial.public.selectors.visibility import (
    ReviewState,
    Visibility,
    article_row_for_public,
    article_visibility,
    review_state,
)
from reviewers.models import Specialty

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
    # The member's disclosures in force (public, as the board promises).
    disclosures: tuple[PublicDisclosure, ...] = ()


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
    # the sections and the reference list, rendered (editorial.public.render)
    body_html: SafeString
    citations_json_ld: list[dict[str, Any]]
    approved_at: datetime | None
    last_updated_at: datetime | None
    next_review_due: date | None
    reviewers: list[PublicReviewer] = field(default_factory=list)
    stale_notice: StaleNotice | None = None
    # "Name, credentials" of the author
    byline: str = ""
    # every approved version, newest first (what changed, who approved)
    changes: list[PublicChange] = field(default_factory=list)
    # the plain-language body for patients and caregivers ("" when the article has none)
    patient_body_html: SafeString = field(default_factory=lambda: mark_safe(""))
    # SHA-256 of the approved content the page shows (empty while pending): the version a
    # reader's feedback is about
    content_hash: str = ""

    @property
    def is_reviewed(self) -> bool:
        return self.visibility == Visibility.REVIEWED

    @property
    def review_state(self) -> str:
        """What the board's review says of the page (contract: `data-review-state`): reviewed,
        stale (a source changed or a concern was raised; not yet triaged), rereview (sent back
        to the board, or being revised, after that) or pending (never approved)."""
        return review_state(
            is_signed_snapshot=self.is_reviewed,
            status=self.status,
            has_open_flag=self.stale_notice is not None,
        )

    @property
    def is_fully_reviewed(self) -> bool:
        """The unqualified "reviewed" badge: approved, and nothing since put it in doubt."""
        return self.review_state == ReviewState.REVIEWED

    @property
    def tracker_step(self) -> int:
        """1-based index into TRACKER_STEPS of the step the article has reached."""
        if self.is_reviewed:
            return 3
        return 2 if self.status == Status.UNDER_REVIEW else 1


def article_for_public(slug: str, *, article: Article | None = None) -> PublicArticle | str | None:
    """The page a reader sees, Visibility.GONE for an archived one, or None. After the row (pass
    the one the version probe loaded, article_row_for_public), a reviewed page costs 1 query
    (its approvals) and 1-2 more when stale; board members and specialties come from the
    directory (2 queries when it is not cached). The body is the one rendered at approval."""
    if article is None:
        article = article_row_for_public(slug)
    if article is None:
        return None
    visibility = article_visibility(
        status=article.status,
        has_snapshot=article.approved_snapshot is not None,
        was_submitted=article.submitted_at is not None,
    )
    if visibility in (None, Visibility.GONE):
        return visibility
    if visibility == Visibility.REVIEWED:
        content_hash = snapshot_hash(cast(dict[str, Any], article.approved_snapshot))
        page = _from_snapshot(article, content_hash)
        page.content_hash = content_hash
        approvals = article_approvals(article)
        page.reviewers = article_reviewers_for_public(
            article, content_hash=content_hash, approvals=approvals
        )
        if not page.reviewers:
            # No valid signature of the approved round covers this content: it was changed
            # outside the workflow (a queryset update, a shell). Never call it reviewed.
            return _unsigned(page)
        page.changes = article_changes_for_public(article, approvals=approvals)
    else:
        page = _from_live_rows(article)
    page.byline = article_byline(article)
    if visibility == Visibility.REVIEWED and article.status != Status.APPROVED:
        # stale, or sent back after a flag or a concern: the flags stay open until the board
        # approves again (editorial.workflow.flags), and so does the notice
        page.stale_notice = article_stale_notice_for_public(article)
    return page


def _from_snapshot(article: Article, content_hash: str) -> PublicArticle:
    snap = cast(dict[str, Any], article.approved_snapshot)  # REVIEWED: there is one
    rendered = stored_rendering(article.approved_rendering, content_hash) or render_snapshot(snap)
    return PublicArticle(
        slug=article.slug,
        visibility=Visibility.REVIEWED,
        status=article.status,
        title=snap.get("title", ""),
        summary=snap.get("summary", ""),
        plain_summary=snap.get("plain_summary", ""),
        risk=snap.get("risk", article.risk),
        specialty=_specialty(article),
        # our own renderer's output, for exactly this content (stored_rendering checks)
        body_html=mark_safe(rendered["body_html"]),
        patient_body_html=mark_safe(rendered["patient_body_html"]),
        citations_json_ld=json.loads(rendered["citations_json_ld"]),
        approved_at=article.approved_at,
        last_updated_at=article.approved_at,
        next_review_due=article.next_review_due,
    )


def _unsigned(page: PublicArticle) -> PublicArticle:
    """The stored snapshot served as pending: caution, no badge, no names, no review dates."""
    page.visibility = Visibility.PENDING
    page.reviewers = []
    page.approved_at = None
    page.next_review_due = None
    page.stale_notice = None
    return page


def _from_live_rows(article: Article) -> PublicArticle:
    section_rows = article.sections.order_by("position", "pk")
    citations = article.citations.select_related("source").order_by("number", "pk")
    references = [
        public_reference(
            {
                "number": c.number,
                "locator": c.locator,
                "cited_version": c.cited_version,
                "source": {name: getattr(c.source, name) for name in _SOURCE_FIELDS},
            }
        )
        for c in citations
    ]
    sections, patient = (
        [
            public_section({"kind": s.kind, "heading": s.heading, "body": s.body})
            for s in section_rows
            if (s.audience == Audience.PATIENT) == for_patients
        ]
        for for_patients in (False, True)
    )
    return PublicArticle(
        slug=article.slug,
        visibility=Visibility.PENDING,
        status=article.status,
        title=article.title,
        summary=article.summary,
        plain_summary=article.plain_summary,
        risk=article.risk,
        specialty=_specialty(article),
        body_html=render_body(sections, references),
        patient_body_html=render_body(patient, references) if patient else mark_safe(""),
        citations_json_ld=[citation_json_ld(r) for r in references],
        approved_at=None,
        last_updated_at=article.submitted_at,
        next_review_due=None,
    )


def _specialty(article: Article) -> Specialty | None:
    if article.specialty_id is None:
        return None
    return specialty_for_public(pk=article.specialty_id)


def article_byline(article: Article) -> str:
    """ "Name, credentials" of the author (no query when the row came with the author and the
    profile: article_row_for_public)."""
    author = article.author
    name = author.get_full_name() or author.get_username()
    try:
        credentials = author.author_profile.credentials
    except AttributeError:  # no profile (RelatedObjectDoesNotExist is an AttributeError)
        credentials = ""
    return f"{name}, {credentials}" if credentials else name


def article_reviewers_for_public(
    article: Article,
    *,
    content_hash: str | None = None,
    approvals: list[Approval] | None = None,
) -> list[PublicReviewer]:
    """The board members whose signed approval covers the published content, of the published
    round, with credentials and current disclosures (1 query; members come from the directory).
    An approval signed over other content is void (editorial.workflow.signatures) and never
    listed."""
    snapshot = article.approved_snapshot
    if snapshot is None:
        return []
    if content_hash is None:
        content_hash = snapshot_hash(snapshot)
    approvals = article_approvals(article) if approvals is None else approvals
    # the one rule for signed content (editorial.audit.snapshots), as the index applies it
    round_ = covering_round(
        snapshot,
        [
            signed_approval(a.round, a.content_sha256, a.decided_at, article.approved_at)
            for a in approvals
        ],
        content_hash=content_hash,
    )
    of_round = [
        (a.member_id, a.round, a.decided_at)
        for a in approvals
        if a.content_sha256 == content_hash and a.round == round_
    ]
    members = board_for_public(members=[member_id for member_id, _, _ in of_round])
    return [
        PublicReviewer(
            name=members[member_id].name,
            credentials=members[member_id].credentials,
            decided_at=decided_at,
            member_id=member_id,
            disclosures=members[member_id].disclosures,
        )
        for member_id, _, decided_at in of_round
    ]


def article_stale_notice_for_public(article: Article) -> StaleNotice | None:
    """Which sources changed and when: the article's open staleness flags (1 query); an
    article flagged by hand without a flag falls back to its latest stale history row."""
    flags = list(
        StalenessFlag.objects.filter(article=article, resolved_at__isnull=True)
        .order_by("detected_at", "pk")
        .values(
            "source__title",
            "from_version",
            "to_version",
            "reason",
            "detected_at",
            "kind",
            "reader_feedback__id",  # a reader's report passed to the board (same query)
        )
    )
    if flags:
        changes = [
            {
                "source": f["source__title"],
                "from_version": f["from_version"],
                "to_version": f["to_version"],
                "reason": f["reason"],
                "detected_at": f["detected_at"],
                "is_concern": f["kind"] == "concern",
                "is_reader_report": f["reader_feedback__id"] is not None,
            }
            for f in flags
        ]
        return StaleNotice(
            reason=flags[0]["reason"], detected_at=flags[0]["detected_at"], changes=changes
        )
    if article.status != Status.STALE:
        return None
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
