"""Which articles readers may see, and a cheap freshness probe for conditional GET."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import MD5, Cast, Coalesce, Greatest
from django.template.loader import get_template
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from articles.models import Article, Status
from editorial.models import StalenessFlag
from editorial.public.render import render_version
from reviewers.models import ReviewAssignment

PUBLIC_TEMPLATES = "public"  # the directory of the public pages' templates


@functools.cache
def page_version() -> str:
    """Fingerprint of what shapes a public page besides its data: the public templates, the
    public views and selectors, and the body renderer. A release that changes any of them
    changes every ETag by itself, so neither the page caches nor a reader's browser keep
    serving the previous release's page."""
    digest = hashlib.sha256(render_version().encode())
    # Django's template backends all give .origin; the stubs' template protocol leaves it out.
    template = get_template(f"{PUBLIC_TEMPLATES}/base_public.html")
    root = Path(template.origin.name).parent  # type: ignore[attr-defined]
    public = Path(__file__).parent.parent  # editorial/public: selectors, views, rendering
    code = sorted(public.rglob("*.py"))
    for path in [*sorted(root.rglob("*.html")), *code]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PENDING_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)


class Visibility:
    REVIEWED = "reviewed"  # the approved snapshot (approved, stale or revision in progress)
    PENDING = "pending"  # first review, live rows, caution and no badge
    GONE = "gone"  # archived after readers could see it: 410


class ReviewState:
    """What the board's review says of a published article (contract: `data-review-state`)."""

    REVIEWED = "reviewed"
    REREVIEW = "rereview"
    STALE = "stale"
    PENDING = "pending"


def review_state(*, is_signed_snapshot: bool, status: str, has_open_flag: bool) -> str:
    """The page, the index card and the JSON-LD say the same: pending without a snapshot that
    the board's valid signatures cover (editorial.audit.snapshots); stale while flagged and not
    yet triaged; rereview while a flag (a source change, a concern, an editor's flag) stays
    open, through the triage, until the board approves again; otherwise reviewed."""
    if not is_signed_snapshot:
        return ReviewState.PENDING
    if status == Status.STALE:
        return ReviewState.STALE
    return ReviewState.REREVIEW if has_open_flag else ReviewState.REVIEWED


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
    # the served snapshot's hash: a snapshot changed outside the workflow (no article save)
    # changes the ETag, so no cache keeps serving it as reviewed
    content_hash: str = ""

    def etag(self, *variants: str) -> str:
        stamp = [page_version(), self.visibility, self.modified_at.isoformat()]
        key = ":".join([*stamp, self.content_hash, *variants])
        return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


# When the article's latest review decision was taken: a late approver of the approved round
# joins "reviewed by" without an article save. Built once (expressions are reusable), as the
# probe runs on every page view.
_LAST_DECIDED_AT = Subquery(
    ReviewAssignment.objects.filter(article=OuterRef("pk"), decided_at__isnull=False)
    .order_by("-decided_at")
    .values("decided_at")[:1]
)


# When a staleness flag was last raised on it: a source changing again under an article that
# is already stale adds a flag (and a line to its notice) without an article save.
_LAST_FLAGGED_AT = Subquery(
    StalenessFlag.objects.filter(article=OuterRef("pk"))
    .order_by("-detected_at")
    .values("detected_at")[:1]
)


def article_row_for_public(slug: str) -> Article | None:
    """The article row a public page renders from, with the times of its latest review decision
    and staleness flag (1 query)."""
    rows = (
        Article.objects.select_related("author__author_profile")
        .annotate(last_decided_at=_LAST_DECIDED_AT, last_flagged_at=_LAST_FLAGGED_AT)
        .filter(slug=slug)
    )
    return next(iter(rows.order_by()[:1]), None)


def article_version_for_public(slug: str) -> PublicVersion | None:
    """Freshness probe for conditional GET (1 query, a few columns of the page's own row); None
    when readers may not see the article.

    Every page view runs it, so it reads no JSON: the snapshot's fingerprint is an MD5 of its
    stored text computed by the database (a snapshot changed outside the workflow changes it,
    and the page renders afresh and checks its signatures). `article` is left None: a page that
    renders loads its row then (article_row_for_public)."""
    rows = _probe_query(connection.vendor).run(slug)
    row = rows[0] if rows else None
    if row is None:
        return None
    status, was_submitted, modified_at, digest = row
    visibility = article_visibility(
        status=status, has_snapshot=digest is not None, was_submitted=bool(was_submitted)
    )
    if visibility in (None, Visibility.GONE):
        return None
    return PublicVersion(visibility, as_datetime(modified_at), digest or "")


_SLUG_MARK = "\x00probe-slug\x00"


@dataclass(frozen=True)
class CompiledQuery:
    """A QuerySet's SQL as the ORM compiles it, kept so that a query every page view runs is
    not compiled again each time (compiling costs more than running it); one parameter, given
    a marker value at compile time, is filled in at each run."""

    sql: str
    params: tuple[Any, ...]
    at: int | None

    @classmethod
    def of(cls, queryset: QuerySet[Any], mark: Any = None) -> CompiledQuery:
        sql, params = queryset.query.sql_with_params()
        return cls(sql, tuple(params), params.index(mark) if mark is not None else None)

    def run(self, value: Any = None) -> list[tuple[Any, ...]]:
        params = list(self.params)
        if self.at is not None:
            params[self.at] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


@functools.cache
def _probe_query(vendor: str) -> CompiledQuery:
    """The probe, compiled once per database vendor, the slug filled in at each run."""
    # the latest of the three times in the database: a page view parses one timestamp, not
    # three (on SQLite GREATEST is MAX(), NULL if any is: updated_at stands in for a missing one)
    modified_at = Greatest(
        "updated_at",
        Coalesce(_LAST_DECIDED_AT, "updated_at"),
        Coalesce(_LAST_FLAGGED_AT, "updated_at"),
        output_field=DateTimeField(),
    )
    articles = (
        Article.objects.filter(slug=_SLUG_MARK)
        .annotate(
            was_submitted=Q(submitted_at__isnull=False),
            modified_at=modified_at,
            snapshot_digest=MD5(Cast("approved_snapshot", TextField())),
        )
        .order_by()
        .values_list("status", "was_submitted", "modified_at", "snapshot_digest")[:1]
    )
    return CompiledQuery.of(articles, _SLUG_MARK)


@overload
def as_datetime(value: datetime | str) -> datetime: ...
@overload
def as_datetime(value: None) -> None: ...
def as_datetime(value: datetime | str | None) -> datetime | None:
    """A timestamp as the raw cursor gives it: a datetime (PostgreSQL) or its stored text
    (SQLite, UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if is_aware(parsed) else make_aware(parsed, UTC)
