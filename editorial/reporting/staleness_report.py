"""The staleness report: what each person should act on, built in a constant number of queries.

Editors get everything; a board reviewer gets the articles they approved (in the round that
approved them) and their own late assignments; an author gets their own articles. People choose
weekly (default), daily or no report (NotificationPreference).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from editorial.access.roles import EDITORS
from editorial.audit.tasks import AuditProblems, audit_latest_problems
from editorial.models import ReportDelivery, ReportFrequency, StalenessFlag
from editorial.notify.delivery import delivery_send, mail_render
from editorial.reporting.reader_reports import ReaderReportLine, reader_report_lines
from reviewers.models import Decision, ReviewAssignment

log = logging.getLogger(__name__)
REPORT_MAX_LINES = 200
NO_SOURCE = "No source changed (periodic review or flagged by an editor)"


@dataclass(frozen=True)
class StaleLine:
    article_id: int
    title: str
    author_id: int
    source_title: str
    from_version: str
    to_version: str
    reason: str
    since: datetime


@dataclass(frozen=True)
class DueLine:
    article_id: int
    title: str
    author_id: int
    due: date


@dataclass(frozen=True)
class AssignmentLine:
    assignment_id: int
    article_id: int
    title: str
    reviewer_user_id: int
    reviewer_name: str
    due_at: datetime
    is_overdue: bool


@dataclass
class ReportFacts:
    """Everything the report can say, for everyone; `approvers` maps article -> user ids."""

    stale: list[StaleLine]
    review_due: list[DueLine]
    assignments: list[AssignmentLine]
    approvers: dict[int, set[int]]
    recipients: list[User]
    today: date
    # what the latest audit verification found (a chain break, unsigned snapshots), for editors
    audit: AuditProblems = field(default_factory=AuditProblems)
    reader_reports: list[ReaderReportLine] = field(default_factory=list)
    # per person (author or approver / assigned reviewer): their lines, in report order
    stale_of: dict[int, list[StaleLine]] = field(init=False)
    due_of: dict[int, list[DueLine]] = field(init=False)
    assignments_of: dict[int, list[AssignmentLine]] = field(init=False)
    reader_reports_of: dict[int, list[ReaderReportLine]] = field(init=False)

    def __post_init__(self) -> None:
        # one pass over the facts, so each report costs its own lines, not all of them
        self.stale_of = _by_person(self.stale, self.approvers)
        self.due_of = _by_person(self.review_due, self.approvers)
        self.reader_reports_of = _by_person(self.reader_reports, self.approvers)
        self.assignments_of = defaultdict(list)
        for line in self.assignments:
            self.assignments_of[line.reviewer_user_id].append(line)


def _by_person(lines: list, approvers: dict[int, set[int]]) -> dict[int, list]:
    index: dict[int, list] = defaultdict(list)
    for line in lines:
        for user_id in {line.author_id} | approvers.get(line.article_id, set()):
            index[user_id].append(line)
    return index


@dataclass
class Link:
    line: StaleLine | DueLine | AssignmentLine | ReaderReportLine
    url: str


@dataclass
class Report:
    """One person's report: stale articles grouped by source, reviews due, late assignments.
    At most REPORT_MAX_LINES stale lines are listed; `stale_more_url` lists them all."""

    recipient: User
    stale_by_source: list[tuple[str, list[Link]]] = field(default_factory=list)
    review_due: list[Link] = field(default_factory=list)
    assignments: list[Link] = field(default_factory=list)
    reader_reports: list[Link] = field(default_factory=list)
    stale_count: int = 0
    stale_more: int = 0
    stale_more_url: str = ""
    audit: AuditProblems = field(default_factory=AuditProblems)

    @property
    def is_empty(self) -> bool:
        parts = (self.stale_by_source, self.review_due, self.assignments, self.reader_reports)
        return not (any(parts) or self.audit.alarm)

    @property
    def subject(self) -> str:
        alarm = f"{self.audit.alarm} — " if self.audit.alarm else ""
        return (
            f"{alarm}Imprimatur: {_plural(self.stale_count, 'stale article')}, "
            f"{_plural(len(self.review_due), 'periodic review')} due, "
            f"{_plural(len(self.assignments), 'review assignment')} late or due soon"
        )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def report_facts(*, now: datetime | None = None) -> ReportFacts:
    """Every fact the reports need: 8 queries whatever the number of articles."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.REPORT_REVIEW_DUE_WITHIN_DAYS)
    soon = now + timedelta(days=settings.REPORT_ASSIGNMENT_DUE_WITHIN_DAYS)
    stale = _stale_lines()  # 2 queries: stale articles, their open flags with the source
    review_due = [
        DueLine(row["id"], row["title"], row["author_id"], row["next_review_due"])
        for row in Article.objects.due_for_review(horizon)
        .order_by("next_review_due", "pk")
        .values("id", "title", "author_id", "next_review_due")
    ]
    assignments = _assignment_lines(now, soon)
    approvers = _approvers(horizon)
    reader_reports = reader_report_lines()  # 1 query
    involved = (
        {line.author_id for line in stale}
        | {line.author_id for line in reader_reports}
        | {line.author_id for line in review_due}
        | {line.reviewer_user_id for line in assignments}
        | {uid for uids in approvers.values() for uid in uids}
    )
    return ReportFacts(
        stale,
        review_due,
        assignments,
        approvers,
        _recipients(involved),
        today,
        audit=audit_latest_problems(),  # 1 query: the latest nightly verification
        reader_reports=reader_reports,
    )


def _assignment_lines(now: datetime, soon: datetime) -> list[AssignmentLine]:
    """Pending assignments of the current round due by `soon` (1 query)."""
    return [
        AssignmentLine(
            row["id"],
            row["article_id"],
            row["article__title"],
            row["reviewer__user_id"],
            _name(
                row["reviewer__user__first_name"],
                row["reviewer__user__last_name"],
                row["reviewer__user__username"],
            ),
            cast(datetime, row["due_at"]),  # due_at__lte below: never NULL
            cast(datetime, row["due_at"]) < now,
        )
        for row in ReviewAssignment.objects.filter(
            decision=Decision.PENDING,
            article__status=Status.UNDER_REVIEW,
            round=F("article__review_round"),
            due_at__lte=soon,
        )
        .order_by("due_at", "pk")
        .values(
            "id",
            "article_id",
            "article__title",
            "reviewer__user_id",
            "reviewer__user__first_name",
            "reviewer__user__last_name",
            "reviewer__user__username",
            "due_at",
        )
    ]


def _approvers(horizon: date) -> dict[int, set[int]]:
    """{article id: user ids of the round that approved it}, for stale and due articles."""
    approvers: dict[int, set[int]] = defaultdict(set)
    # the approvals of the round that approved the article (a re-review starts a new round)
    for article_id, user_id in ReviewAssignment.objects.filter(
        Q(article__status=Status.STALE)
        | Q(article__status=Status.APPROVED, article__next_review_due__lte=horizon),
        decision=Decision.APPROVED,
        round=F("article__review_round"),
    ).values_list("article_id", "reviewer__user_id"):
        approvers[article_id].add(user_id)
    return approvers


def _stale_lines() -> list[StaleLine]:
    articles = {
        row["id"]: row
        for row in Article.objects.stale().values("id", "title", "author_id", "updated_at")
    }
    lines = []
    flagged = set()
    for flag in (
        StalenessFlag.objects.filter(resolved_at__isnull=True, article__status=Status.STALE)
        .order_by("detected_at", "pk")
        .values(
            "article_id", "source__title", "from_version", "to_version", "reason", "detected_at"
        )
    ):
        article = articles.get(flag["article_id"])
        if article is None:  # went stale between the two queries: next report
            continue
        flagged.add(article["id"])
        lines.append(
            StaleLine(
                article["id"],
                article["title"],
                article["author_id"],
                flag["source__title"] or NO_SOURCE,
                flag["from_version"],
                flag["to_version"],
                flag["reason"],
                flag["detected_at"],
            )
        )
    for article in articles.values():
        if article["id"] not in flagged:  # flagged by hand, without a StalenessFlag
            lines.append(
                StaleLine(
                    article["id"],
                    article["title"],
                    article["author_id"],
                    NO_SOURCE,
                    "",
                    "",
                    "flagged stale",
                    article["updated_at"],
                )
            )
    return lines


def _recipients(involved: set[int]) -> list[User]:
    editor = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=EDITORS))
    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .annotate(
            is_editor=ExpressionWrapper(Q(is_superuser=True) | editor, output_field=BooleanField())
        )
        .filter(Q(pk__in=involved) | Q(is_editor=True))
        .select_related("notification_preference")
        .order_by("pk")
    )


def report_frequency_of(user: User) -> str:
    """The user's report frequency; weekly when they never chose."""
    try:
        return user.notification_preference.report_frequency
    except User.notification_preference.RelatedObjectDoesNotExist:
        return ReportFrequency.WEEKLY


def _admin_url(article_id: int) -> str:
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article_id])


def _url_for(user: User, article_id: int, author_id: int) -> str:
    # Authors act in the author UI; editors and reviewers in the admin.
    if not cast(Any, user).is_editor and author_id == user.pk:  # annotated by the query
        return settings.SITE_URL + reverse("author:article_editor", args=[article_id])
    return _admin_url(article_id)


def report_for(user: User, facts: ReportFacts) -> Report:
    """The part of `facts` that concerns `user` (no queries)."""
    everything = cast(Any, user).is_editor  # annotated by the recipients' query
    stale = facts.stale if everything else facts.stale_of.get(user.pk, [])
    due = facts.review_due if everything else facts.due_of.get(user.pk, [])
    assignments = facts.assignments if everything else facts.assignments_of.get(user.pk, [])
    report = Report(recipient=user, audit=facts.audit if everything else AuditProblems())
    groups: dict[str, list[Link]] = defaultdict(list)
    report.stale_count = len({line.article_id for line in stale})
    # a guideline change can flag hundreds: list the first ones, link to the rest
    report.stale_more = max(0, len(stale) - REPORT_MAX_LINES)
    if report.stale_more:
        report.stale_more_url = settings.SITE_URL + (
            reverse("admin:articles_article_changelist") + "?status__exact=stale"
            if everything
            else reverse("author:dashboard")
        )
    for line in stale[:REPORT_MAX_LINES]:
        url = _url_for(user, line.article_id, line.author_id)
        groups[line.source_title].append(Link(line, url))
    report.stale_by_source = sorted(groups.items(), key=lambda item: item[0] == NO_SOURCE)
    report.review_due = [
        Link(line, _url_for(user, line.article_id, line.author_id)) for line in due
    ]
    report.assignments = [
        Link(line, _admin_url(line.article_id) + ("" if everything else "#decision"))
        for line in assignments
    ]
    mine = facts.reader_reports if everything else facts.reader_reports_of.get(user.pk, [])
    report.reader_reports = [Link(r, _url_for(user, r.article_id, r.author_id)) for r in mine]
    return report


def report_list_for_recipients(
    *, frequency: str | None = None, now: datetime | None = None
) -> list[Report]:
    """Non-empty reports for everyone whose preference is `frequency` (any when None)."""
    facts = report_facts(now=now)
    reports = []
    for user in facts.recipients:
        chosen = report_frequency_of(user)
        if chosen == ReportFrequency.NONE or (frequency and chosen != frequency):
            continue
        report = report_for(user, facts)
        if not report.is_empty:
            reports.append(report)
    return reports


def report_period_key(frequency: str, today: date) -> str:
    """The period a report belongs to: the date (daily) or the ISO year and week (weekly)."""
    if frequency == ReportFrequency.DAILY:
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class ReportRun:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def staleness_report_send(
    *, frequency: str | None = None, now: datetime | None = None
) -> ReportRun:
    """Send each recipient (of `frequency`, or all) their report for the current period unless
    it was already sent. A failed send is logged, counted and left for a retry."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = ReportRun()
    for report in report_list_for_recipients(frequency=frequency, now=now):
        user = report.recipient
        chosen = report_frequency_of(user)
        key = {"period_key": report_period_key(chosen, today)}
        context = {"report": report, "subject": report.subject, "frequency": chosen}
        mail = mail_render("staleness_report", context)
        try:
            sent = delivery_send(ReportDelivery, recipient=user, key=key, mail=mail)
        except Exception:
            log.exception("staleness report to %s failed; a retry will send it", user.email)
            run.failed += 1
            continue
        if sent:
            run.sent += 1
        else:
            run.skipped += 1
    return run
