"""Reads for the API: the page of articles (keyset cursor), one article, its status, its
published (approved) content. Each costs a fixed number of queries whatever the rows."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from articles.models import Article, Status
from articles.snapshot import snapshot_hash
from editorial.access.roles import AnyUser
from editorial.api.problems import ApiProblem
from editorial.authoring.selectors import article_list_for_user
from editorial.models import StalenessFlag
from editorial.public.render import (
    public_reference,
    public_section,
    render_snapshot,
    stored_rendering,
)
from editorial.public.selectors.article import TRACKER_STEPS, article_reviewers_for_public
from editorial.public.selectors.visibility import ReviewState, review_state
from editorial.workflow.citation_check import article_citation_problems
from editorial.workflow.submission import submission_problems
from reviewers.models import ReviewAssignment

LIST_FIELDS = ("id", "slug", "title", "status", "review_round", "updated_at", "approved_at")


def encode_cursor(article: Article | dict) -> str:
    if isinstance(article, dict):
        updated_at, pk = article["updated_at"], article["id"]
    else:
        updated_at, pk = article.updated_at, article.pk
    raw = f"{updated_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        return datetime.fromisoformat(when), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(
            400, "The cursor is not one this API gave out.", errors=[("cursor", "Invalid.")]
        ) from None


def article_page_for_user(
    user: AnyUser,
    *,
    state: str | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict], str | None]:
    """Newest-changed first, `limit` at a time, as API items (1 query, plus the user's groups
    once); plain values, not model instances (a tenth of the Python work)."""
    rows = article_list_for_user(user).order_by("-updated_at", "-pk")
    if state:
        rows = rows.filter(status=state)
    if updated_since:
        rows = rows.filter(updated_at__gte=updated_since)
    if cursor:
        when, pk = _decode_cursor(cursor)
        rows = rows.filter(Q(updated_at__lt=when) | Q(updated_at=when, pk__lt=pk))
    page = list(rows.values(*LIST_FIELDS)[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    cursor = encode_cursor(page[-1]) if more and page else None
    for row in page:
        row["state"] = row.pop("status")
        row["round"] = row.pop("review_round")
    return page, cursor


def article_for_client(user: AnyUser, slug: str) -> Article:
    try:
        return article_list_for_user(user).get(slug=slug)
    except Article.DoesNotExist:
        raise Http404(f"No article {slug} that this client may see.") from None


def article_checks(article: Article) -> tuple[list[str], list[str]]:
    """(what blocks submission, citation warnings): the author UI's submission check."""
    warnings = [p.message for p in article_citation_problems(article) if not p.is_error]
    return submission_problems(article), warnings


def article_status(article: Article) -> dict:
    """State, tracker step, round, the board's names and comments, open flags (2 queries)."""
    assignments = list(
        ReviewAssignment.objects.filter(article=article)
        .select_related("reviewer__user")
        .order_by("-round", "pk")
    )
    flags = (
        StalenessFlag.objects.filter(article=article, resolved_at__isnull=True)
        .order_by("detected_at", "pk")
        .values("source__title", "from_version", "to_version", "reason", "detected_at")
    )
    step = _tracker_step(article.status)
    return {
        "slug": article.slug,
        "state": article.status,
        "tracker_step": step,
        "tracker_label": TRACKER_STEPS[step - 1] if step else "Draft",
        "round": article.review_round,
        "submitted_at": article.submitted_at,
        "assignments": [
            {"name": str(a.reviewer), "round": a.round, "decision": a.decision} for a in assignments
        ],
        "comments": [
            {
                "reviewer": str(a.reviewer),
                "round": a.round,
                "decision": a.decision,
                "comment": a.comment,
                "decided_at": a.decided_at,
            }
            for a in assignments
            if a.comment
        ],
        "staleness_flags": [
            {
                "source": f["source__title"],
                "from_version": f["from_version"],
                "to_version": f["to_version"],
                "reason": f["reason"],
                "detected_at": f["detected_at"],
            }
            for f in flags
        ],
    }


def _tracker_step(status: str) -> int:
    """The public tracker's step (1 submitted, 2 under review, 3 approved); 0 for a draft."""
    if status in (Status.APPROVED, Status.STALE):
        return 3
    if status == Status.UNDER_REVIEW:
        return 2
    return 1 if status in (Status.SUBMITTED, Status.CHANGES_REQUESTED) else 0


def article_published(slug: str) -> dict:
    """The approved content as a publishing site renders it; 404 until approved (a revision
    under way keeps serving the approved version), and for an archived article. Its
    `review_state` is the public page's; content no valid signature covers (changed outside
    the workflow) is "pending", with no reviewers and no review dates (2 queries)."""
    open_flag = StalenessFlag.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True)
    article = (
        Article.objects.filter(slug=slug, approved_snapshot__isnull=False)
        .exclude(status=Status.ARCHIVED)
        .annotate(has_open_flag=Exists(open_flag))
        .first()
    )
    if article is None:
        raise Http404(f"No approved article {slug}.")
    snap = article.approved_snapshot
    content_hash = snapshot_hash(snap)
    rendered = stored_rendering(article.approved_rendering, content_hash) or render_snapshot(snap)
    # the signatures of the round cover this content, or nobody is named (the public rule)
    reviewers = article_reviewers_for_public(article, content_hash=content_hash)
    state = review_state(
        is_signed_snapshot=bool(reviewers),
        status=article.status,
        has_open_flag=cast(Any, article).has_open_flag,  # annotated above
    )
    signed = state != ReviewState.PENDING
    return {
        "slug": article.slug,
        "state": article.status,
        "title": snap.get("title", ""),
        "summary": snap.get("summary", ""),
        "plain_summary": snap.get("plain_summary", ""),
        "risk": snap.get("risk", article.risk),
        "sections": [
            {**public_section(s), "body": s.get("body", "")} for s in snap.get("sections", [])
        ],
        "body_html": rendered["body_html"],
        "references": [
            {**ref, "links": [{"label": label, "url": url} for label, url in ref["links"]]}
            for ref in map(public_reference, snap.get("citations", []))
        ],
        "reviewers": [
            {"name": r.name, "credentials": r.credentials, "approved_at": r.decided_at}
            for r in reviewers
        ],
        "review_state": state,
        "approved_at": article.approved_at if signed else None,
        "last_reviewed_at": article.last_reviewed_at if signed else None,
        "next_review_due": article.next_review_due if signed else None,
        "content_sha256": content_hash,
    }
