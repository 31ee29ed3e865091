"""The Medical Advisory Board: specialties, members and their review assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from articles.models import Article

PHYSICIAN_CREDENTIALS = ("MD", "DO")


class Specialty(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class BoardMemberQuerySet(models.QuerySet):
    def active(self) -> BoardMemberQuerySet:
        return self.filter(active=True)


class BoardMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_member"
    )
    credentials = models.CharField(max_length=50, help_text='e.g. "MD", "DO", "PharmD".')
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="members")
    active = models.BooleanField(default=True)
    max_open_reviews = models.PositiveIntegerField(default=10)

    history = HistoricalRecords()
    objects = BoardMemberQuerySet.as_manager()

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


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    DECLINED = "declined", "Declined"


class ReviewAssignmentQuerySet(models.QuerySet):
    def pending(self) -> ReviewAssignmentQuerySet:
        return self.filter(decision=Decision.PENDING)

    def for_member(self, member: BoardMember) -> ReviewAssignmentQuerySet:
        return self.filter(reviewer=member)

    def current_round(self, article: Article) -> ReviewAssignmentQuerySet:
        return self.filter(article=article, round=article.review_round)


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
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer", "round"], name="one_assignment_per_round"
            ),
        ]
        indexes = [
            # "My reviews": a member's pending assignments, soonest due first
            models.Index(fields=["reviewer", "decision", "due_at"], name="assignment_my_reviews"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.article} (round {self.round})"
