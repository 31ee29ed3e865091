"""The Medical Advisory Board: specialties, members and their review assignments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PHYSICIAN_CREDENTIALS = ("MD", "DO")
PHARMACIST_CREDENTIALS = ("PHARMD",)


class Specialty(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


def licence_due_before(today: date | None = None) -> date:
    """Licences verified before this date are due for re-verification."""
    today = today or timezone.localdate()
    return today - timedelta(days=settings.LICENCE_REVERIFY_DAYS)


class BoardMemberQuerySet(models.QuerySet):
    def active(self) -> BoardMemberQuerySet:
        return self.filter(active=True)

    def licence_due(self, today: date | None = None) -> BoardMemberQuerySet:
        """Never verified, or verified longer ago than LICENCE_REVERIFY_DAYS."""
        return self.filter(
            Q(licence_verified_on__isnull=True)
            | Q(licence_verified_on__lt=licence_due_before(today))
        )


class AuthorProfile(models.Model):
    """How an author is named on the articles they write: the byline's credentials."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    credentials = models.CharField(max_length=100, help_text='e.g. "MD, MPH" or "PharmD".')

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.credentials}"


class BoardMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_member"
    )
    credentials = models.CharField(max_length=50, help_text='e.g. "MD", "DO", "PharmD".')
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="members")
    licence_number = models.CharField(
        max_length=50, blank=True, help_text="Licensing board and number, e.g. “NY 312456”."
    )
    licence_verified_on = models.DateField(
        null=True, blank=True, help_text="When an editor last checked the licence with its board."
    )
    affiliation = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    max_open_reviews = models.PositiveIntegerField(
        default=10, help_text="Suggestions rank members at or over this many open reviews last."
    )

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str
    objects = BoardMemberQuerySet.as_manager()
    # Set by queries, not columns: .annotate(open_load=open_load_annotation()) and
    # current_disclosures_prefetch() (reviewers.selectors, reviewers.conflicts).
    open_load: int
    current_disclosures: list[Disclosure]

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def credential_set(self) -> set[str]:
        return {c.strip().upper() for c in self.credentials.replace("/", ",").split(",") if c}

    @property
    def is_physician(self) -> bool:
        return bool(self.credential_set & set(PHYSICIAN_CREDENTIALS))

    @property
    def is_pharmacist(self) -> bool:
        return bool(self.credential_set & set(PHARMACIST_CREDENTIALS))

    @property
    def printed_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def is_licence_due(self, today: date | None = None) -> bool:
        verified = self.licence_verified_on
        return verified is None or verified < licence_due_before(today)


class DisclosureKind(models.TextChoices):
    CONSULTING = "consulting", "Consulting"
    SPEAKER = "speaker", "Speaker"
    GRANT = "grant", "Grant"
    EQUITY = "equity", "Equity"
    EMPLOYMENT = "employment", "Employment"
    OTHER = "other", "Other"


# How a disclosure reads in a sentence: "Ada Quill, MD discloses consulting for Pfizer".
DISCLOSURE_PHRASES: dict[str, str] = {
    DisclosureKind.CONSULTING: "consulting for",
    DisclosureKind.SPEAKER: "speaking for",
    DisclosureKind.GRANT: "a grant from",
    DisclosureKind.EQUITY: "equity in",
    DisclosureKind.EMPLOYMENT: "employment by",
    DisclosureKind.OTHER: "a relationship with",
}


class DisclosureQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> DisclosureQuerySet:
        """In force on `on` (today by default); a disclosure without dates is always current."""
        on = on or timezone.localdate()
        return self.filter(
            Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on)
        )


class Disclosure(models.Model):
    """A financial or professional relationship a board member declares (public on articles)."""

    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="disclosures")
    organisation = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=DisclosureKind.choices, default=DisclosureKind.OTHER
    )
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str
    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["member", "organisation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="disclosure_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation}"

    @property
    def phrase(self) -> str:
        return f"{DISCLOSURE_PHRASES.get(self.kind, 'a relationship with')} {self.organisation}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.since is None or self.since <= on) and (self.until is None or self.until >= on)


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    DECLINED = "declined", "Declined"
    # The round reached its quorum before this reviewer decided: the review is no longer needed.
    SUPERSEDED = "superseded", "Superseded"


# "pending" as a boolean expression, for ReviewAssignmentQuerySet.overdue and its partial index:
# a planner without statistics rates it at half the rows, `decision = 'pending'` at 0.5%
IS_PENDING = Case(
    When(decision=Decision.PENDING, then=Value(True)),
    default=Value(False),
    output_field=BooleanField(),
)


class ReviewAssignmentQuerySet(models.QuerySet):
    def pending(self) -> ReviewAssignmentQuerySet:
        return self.filter(decision=Decision.PENDING)

    def for_member(self, member: BoardMember) -> ReviewAssignmentQuerySet:
        return self.filter(reviewer=member)

    def current_round(self, article: Article) -> ReviewAssignmentQuerySet:
        return self.filter(article=article, round=article.review_round)

    def open(self) -> ReviewAssignmentQuerySet:
        """Pending, in the article's current round, while the article is under review.

        Driven from the assignment side: the pending rows come from the partial indexes below,
        and each one's article is read by primary key in a correlated scalar subquery. A join
        on `status = 'under_review'` (or an EXISTS, which PostgreSQL turns into the same join)
        lets a planner without statistics (a fresh or freshly restored database) pair every
        assignment with every article under review: quadratic in the queue. A scalar subquery
        is never flattened, so this plan needs no statistics (bench/review_queue.py)."""
        # the article's round while under review, else NULL; its only condition is the primary
        # key, so the subplan has one index to use (a LIMIT or a status condition would let a
        # planner without statistics walk the status index instead)
        round_under_review = (
            Article.objects.filter(pk=OuterRef("article_id"))
            .order_by()
            .annotate(open_round=Case(When(status="under_review", then=F("review_round"))))
            .values("open_round")
        )
        return self.filter(decision=Decision.PENDING, round=Subquery(round_under_review))

    def overdue(self, now: datetime) -> ReviewAssignmentQuerySet:
        """The open assignments due before `now`: the same rows as `open()` past due.

        Shaped for the editors' "overdue" list (ordered due_at, pk, one page at a time) on a
        database without statistics, whose planner rates an equality at 0.5% of the rows (so
        `decision = 'pending' AND round = (subquery)` at 1 row in 40,000), expects a handful of
        rows, and reads and sorts every overdue one to show a page. Here pending is IS_PENDING
        (a boolean expression: half the rows) and "open" is "the article's id if it is under
        review in this round" IS NOT NULL (99.5%): the planner expects many rows, walks
        `assignment_overdue_due` in the page's order and stops at the LIMIT; a count reads the
        overdue entries of that index only (bench/review_queue.py)."""
        # as in open(): a scalar subquery whose only condition is the primary key
        open_article = (
            Article.objects.filter(pk=OuterRef("article_id"))
            .order_by()
            .annotate(
                open_id=Case(
                    When(Q(status="under_review", review_round=OuterRef("round")), then=F("pk"))
                )
            )
            .values("open_id")
        )
        return self.alias(open_article=Subquery(open_article)).filter(
            IS_PENDING, open_article__isnull=False, due_at__lt=now
        )


class ReviewAssignment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="assignments")
    round = models.PositiveIntegerField(default=1, help_text="The article's review round.")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(blank=True, max_length=10_000)
    # On approving a revision: the board's summary of what changed, shown to readers in the
    # article's "Changes" list (prefilled from the section diff in the decision form).
    change_summary = models.TextField("what changed", blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str
    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer", "round"], name="one_assignment_per_round"
            ),
        ]
        indexes = [
            # "My reviews": a member's pending assignments, soonest due first (partial: the
            # decided majority is not in it, and the plan needs no statistics to pick it)
            models.Index(
                fields=["reviewer", "due_at", "id"],
                condition=Q(decision="pending"),
                name="assignment_pending_reviewer",
            ),
            # pending assignments by due date (the daily reminders: due within 2 days)
            models.Index(
                fields=["due_at", "id"],
                condition=Q(decision="pending"),
                name="assignment_pending_due",
            ),
            # the editors' "overdue" list and the dashboard's overdue count (.overdue(now)):
            # pending as IS_PENDING, which a planner without statistics does not misjudge
            models.Index(
                fields=["due_at", "id"], condition=Q(IS_PENDING), name="assignment_overdue_due"
            ),
            # the editors' list in its default order: one page walks the index, no sort
            models.Index(fields=["due_at", "id"], name="assignment_due_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.article} (round {self.round})"


class SignatureMeaning(models.TextChoices):
    APPROVED = "clinically reviewed and approved", "Clinically reviewed and approved"
    LABEL_REVIEWED = "label reviewed", "Label reviewed"
    CHANGES_REQUESTED = "changes requested", "Changes requested"
    DECLINED = "declined", "Declined"


class Signature(models.Model):
    """The signed record of one decision (21 CFR Part 11 §11.50: printed name, time, meaning).

    Written once by editorial.workflow.review_decide, never edited. `content_sha256` is the hash
    of the exact content reviewed; an approval whose hash no longer matches is void.
    """

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="signature"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=300)
    credentials = models.CharField(max_length=50)
    signed_at = models.DateTimeField()
    meaning = models.CharField(max_length=40, choices=SignatureMeaning.choices)
    content_sha256 = models.CharField("SHA-256 of the content reviewed", max_length=64)
    # JAMA benchmarks, GRADE certainty and (label-citing articles) label concordance.
    checklist = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        when = f"{self.signed_at:%Y-%m-%d}"
        return f"{self.printed_name}, {self.credentials}: {self.meaning} ({when})"
