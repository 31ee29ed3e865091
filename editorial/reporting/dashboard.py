"""The editors' dashboard on the admin index: the report's facts at a glance, and a 12-week
chart drawn server-side as SVG (no script). 8 queries whatever the number of articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from editorial.models import StalenessFlag
from reviewers.models import ReviewAssignment

WEEKS = 12
UNDER_REVIEW_SHOWN = 10
# chart geometry, in SVG user units (the viewBox scales it to the page)
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 600, 230, 36, 28, 24


def _changelist(model: str, **params: str) -> str:
    url = reverse(f"admin:{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


@dataclass
class Tile:
    label: str
    count: int
    url: str


@dataclass
class UnderReview:
    title: str
    url: str
    age_days: int


@dataclass
class StaleSource:
    title: str
    count: int
    url: str


@dataclass
class Week:
    start: date
    median_days: float | None
    raised: int
    resolved: int


def dashboard_for_editors(*, now: datetime | None = None) -> dict:
    """The dashboard's context: tiles with links to filtered lists, under-review ages, stale
    articles by source and the 12-week chart."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    weeks = _weeks(today)  # queries 6-8
    return {
        "tiles": _tiles(now, today),  # queries 1-3
        "under_review": _under_review(now),  # query 4
        "stale_by_source": _stale_by_source(),  # query 5
        "weeks": weeks,
        "chart": chart_geometry(weeks),
    }


def _tiles(now: datetime, today: date) -> list[Tile]:
    horizon = today + timedelta(days=settings.REPORT_REVIEW_DUE_WITHIN_DAYS)
    by_status = dict(  # query 1
        Article.objects.order_by().values_list("status").annotate(n=Count("pk"))
    )
    overdue = ReviewAssignment.objects.overdue(now).count()  # query 2
    due = Article.objects.due_for_review(horizon).count()  # query 3
    article_list = "articles_article"
    return [
        Tile(
            "Awaiting assignment",
            by_status.get(Status.SUBMITTED, 0),
            _changelist(article_list, status__exact=Status.SUBMITTED),
        ),
        Tile(
            "Under review",
            by_status.get(Status.UNDER_REVIEW, 0),
            _changelist(article_list, status__exact=Status.UNDER_REVIEW),
        ),
        Tile(
            "Reviews overdue",
            overdue,
            _changelist("reviewers_reviewassignment", overdue="yes"),
        ),
        Tile(
            "Stale",
            by_status.get(Status.STALE, 0),
            _changelist(article_list, status__exact=Status.STALE),
        ),
        Tile(
            f"Periodic review due within {settings.REPORT_REVIEW_DUE_WITHIN_DAYS} days",
            due,
            _changelist(
                article_list,
                status__exact=Status.APPROVED,
                next_review_due__lte=horizon.isoformat(),
            ),
        ),
    ]


def _under_review(now: datetime) -> list[UnderReview]:
    return [
        UnderReview(
            title,
            reverse("admin:articles_article_change", args=[pk]),
            (now - submitted_at).days if submitted_at else 0,
        )
        for pk, title, submitted_at in Article.objects.under_review()
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
        .values_list("pk", "title", "submitted_at")[:UNDER_REVIEW_SHOWN]
    ]


def _stale_by_source() -> list[StaleSource]:
    return [
        StaleSource(
            row["source__title"] or "No source (periodic review)",
            row["n"],
            _changelist(
                "editorial_stalenessflag",
                state="open",
                **(
                    {"source__id__exact": str(row["source_id"])}
                    if row["source_id"]
                    else {"source__isnull": "True"}
                ),
            ),
        )
        for row in StalenessFlag.objects.filter(
            resolved_at__isnull=True, article__status=Status.STALE
        )
        .order_by()
        .values("source_id", "source__title")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "source__title")
    ]


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(today: date) -> list[Week]:
    first = _week_start(today) - timedelta(weeks=WEEKS - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    starts = [first + timedelta(weeks=i) for i in range(WEEKS)]
    days: dict[date, list[float]] = {s: [] for s in starts}
    for approved_at, submitted_at in Article.objects.filter(
        approved_at__gte=since, submitted_at__isnull=False
    ).values_list("approved_at", "submitted_at"):
        week = _week_start(timezone.localdate(approved_at))
        if week in days:
            days[week].append((approved_at - submitted_at).total_seconds() / 86400)
    raised = _per_week(StalenessFlag.objects.filter(detected_at__gte=since), "detected_at")
    resolved = _per_week(StalenessFlag.objects.filter(resolved_at__gte=since), "resolved_at")
    return [
        Week(
            s,
            round(median(days[s]), 1) if days[s] else None,
            raised.get(s, 0),
            resolved.get(s, 0),
        )
        for s in starts
    ]


def _per_week(queryset, field: str) -> dict[date, int]:
    # per day in the database (portable), summed per week here: at most 84 rows
    counts: dict[date, int] = {}
    rows = (
        queryset.order_by()
        .annotate(day=TruncDate(field))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    for day, n in rows:
        week = _week_start(day)
        counts[week] = counts.get(week, 0) + n
    return counts


def chart_geometry(weeks: list[Week]) -> dict:
    """Bars (flags raised / resolved) and a line (median days to approval) in SVG units."""
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / len(weeks)
    bar = slot * 0.35
    top_flags = max([1, *(w.raised for w in weeks), *(w.resolved for w in weeks)])
    top_days = max([1.0, *(w.median_days or 0 for w in weeks)])
    base = TOP + plot_h

    def y(value: float, top: float) -> float:
        return round(base - plot_h * value / top, 1)

    bars, points, labels = [], [], []
    for i, w in enumerate(weeks):
        x = LEFT + i * slot + slot * 0.15
        for kind, value, offset in (("raised", w.raised, 0), ("resolved", w.resolved, bar)):
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + offset, 1),
                    "y": y(value, top_flags),
                    "width": round(bar, 1),
                    "height": round(base - y(value, top_flags), 1),
                    "title": f"week of {w.start:%-d %b}: {value} flag(s) {kind}",
                }
            )
        if w.median_days is not None:
            points.append(
                {
                    "x": round(LEFT + i * slot + slot / 2, 1),
                    "y": y(w.median_days, top_days),
                    "title": f"week of {w.start:%-d %b}: median {w.median_days} days to approval",
                }
            )
        labels.append({"x": round(LEFT + i * slot + slot / 2, 1), "text": f"{w.start:%-d %b}"})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "labels": labels,
        "label_y": HEIGHT - 8,
        "base": base,
        "left": LEFT,
        "right": WIDTH - 8,
        "top": TOP,
        "top_flags": top_flags,
        "top_days": top_days,
    }
