"""Which articles readers may see, and a cheap freshness probe for conditional GET."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery

from articles.models import Article, Status
from reviewers.models import ReviewAssignment

# Bump when the public templates change what a page shows, so cached ETags stop matching.
PAGE_VERSION = "1"
PENDING_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)


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
            has_snapshot=snapshot_exists(),
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


def snapshot_exists() -> ExpressionWrapper:
    return ExpressionWrapper(Q(approved_snapshot__isnull=False), output_field=BooleanField())
