"""Articles, their sections, the source library and citations.

The state machine lives on Article: each @transition changes the article's own fields only.
Who may fire a transition and the cross-model rules are decided in editorial.workflow.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

# re-exported: the app's models are found (and imported by callers) here
from articles.findings import PROBLEM_OUTCOMES, FindingOutcome, RegistryFinding  # noqa: F401
from articles.querysets import ArticleQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    STALE = "stale", "Stale"
    ARCHIVED = "archived", "Archived"


class Risk(models.TextChoices):
    STANDARD = "standard", "Standard"
    HIGH = "high", "High"


EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
NOT_ARCHIVED = [s for s in Status.values if s != Status.ARCHIVED]


class Article(ConcurrentTransitionMixin, models.Model):
    title = models.CharField("clinical question", max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(blank=True, max_length=5000)
    # Optional summary for patients; readers choose which summary leads (public page toggle).
    plain_summary = models.TextField("plain-language summary", blank=True, max_length=5000)
    specialty = models.ForeignKey(
        # PROTECT: deleting a specialty used to clear it on approved articles with no history
        # row; now it is refused while an article refers to it (issue 15)
        "reviewers.Specialty",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.STANDARD)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True)
    # Increments on every submit / re-review: assignments and quorum belong to one round.
    review_round = models.PositiveIntegerField(default=0, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # What readers see: the content as it was when the board approved it.
    approved_snapshot = models.JSONField(null=True, blank=True, editable=False)
    # That content's body rendered for readers when it was approved (editorial.public.render):
    # derived data, tagged with the hash of the content it came from, kept out of the history.
    approved_rendering = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # approved_rendering is derived from approved_snapshot, which the history keeps. The history
    # is read by article (id) and date, never by slug, author or specialty: no index on those
    # (four fewer index entries per row the staleness sweep inserts, 10,000 at a time).
    history = HistoricalRecords(
        excluded_fields=["approved_rendering"], no_db_index=["slug", "author", "specialty"]
    )
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # author dashboard and editors' queues filter on status, newest first
            models.Index(fields=["status", "-updated_at"], name="article_status_updated"),
            # the periodic-review backstop: approved articles whose review is due
            models.Index(fields=["status", "next_review_due"], name="article_status_due"),
            # the public index, newest first (editorial.public.selectors.index): walks 20 rows
            # instead of sorting every article
            # the API's article list (GET /api/v1/articles): newest-changed first, keyset cursor
            models.Index(fields=["-updated_at", "-id"], name="article_updated_cursor"),
            models.Index(
                Coalesce("approved_at", "submitted_at").desc(),
                models.F("id").desc(),
                name="article_public_listing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @transition(
        field=status,
        source=[Status.DRAFT, Status.CHANGES_REQUESTED],
        target=Status.SUBMITTED,
        custom={"label": "Submit for review"},
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()
        self.review_round += 1

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.DRAFT,
        custom={"label": "Withdraw submission"},
    )
    def withdraw(self) -> None:
        """The author takes the submission back before the review started."""
        self.submitted_at = None

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.UNDER_REVIEW,
        custom={"label": "Start review"},
    )
    def assign(self) -> None:
        """Start the review: the board has been assigned."""

    @transition(
        field=status,
        source=Status.UNDER_REVIEW,
        target=Status.APPROVED,
        custom={"label": "Approve"},
    )
    def approve(self, snapshot: dict | None = None, interval_days: int | None = None) -> None:
        """`interval_days`: the periodic review interval (articles.review_intervals, which the
        workflow passes with the specialty); the risk's own rule when not given."""
        now = timezone.now()
        self.approved_at = now
        self.last_reviewed_at = now
        days = interval_days or settings.REVIEW_INTERVAL_DAYS.get(
            self.risk, settings.REVIEW_INTERVAL_DAYS["standard"]
        )
        self.next_review_due = (now + timedelta(days=days)).date()
        if snapshot is not None:
            self.approved_snapshot = snapshot

    @transition(
        field=status,
        source=Status.UNDER_REVIEW,
        target=Status.CHANGES_REQUESTED,
        custom={"label": "Request changes"},
    )
    def request_changes(self) -> None:
        """The board asked for changes; the author may edit and resubmit."""

    @transition(
        field=status, source=Status.APPROVED, target=Status.STALE, custom={"label": "Flag stale"}
    )
    def flag_stale(self) -> None:
        """A cited source changed or the periodic review is due."""

    @transition(
        field=status,
        source=Status.STALE,
        target=Status.UNDER_REVIEW,
        custom={"label": "Send to re-review"},
    )
    def rereview(self) -> None:
        self.review_round += 1

    @transition(
        field=status,
        source=[Status.APPROVED, Status.STALE],
        target=Status.DRAFT,
        custom={"label": "Start revision"},
    )
    def start_revision(self) -> None:
        """Readers keep approved_snapshot until the revision is approved."""

    @transition(
        field=status, source=NOT_ARCHIVED, target=Status.ARCHIVED, custom={"label": "Archive"}
    )
    def archive(self) -> None:
        """Withdrawn from readers; kept for the record."""


class SectionKind(models.TextChoices):
    KEY_POINTS = "key_points", "Key points"
    GUIDELINES = "guidelines", "From the Guidelines"
    DRUG_LABEL = "drug_label", "From the FDA Drug Label"
    RESEARCH = "research", "From the Research"
    OTHER = "other", "Other"


class Audience(models.TextChoices):
    CLINICIAN = "clinician", "Healthcare professionals"
    PATIENT = "patient", "Patients and caregivers (plain language)"


class Section(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.OTHER)
    # Who the section is written for: the patient version is a body of its own, reviewed and
    # signed with the professional one (articles.snapshot: "patient_sections").
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.CLINICIAN)
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        blank=True, max_length=50_000, help_text="Markdown; cite as [1], [1-3]."
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str

    class Meta:
        ordering = ["article", "position", "pk"]

    def __str__(self) -> str:
        return self.heading or self.get_kind_display()


class SourceKind(models.TextChoices):
    GUIDELINE = "guideline", "Guideline"
    DRUG_LABEL = "drug_label", "Drug label"
    JOURNAL_ARTICLE = "journal_article", "Journal article"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"
    BOOK = "book", "Book"
    WEB = "web", "Web page"


def label_kind_error(kind: str, dailymed_setid: str) -> str:
    """A DailyMed set id identifies an FDA drug label, whatever kind was typed: saved as
    another kind, the article would escape the pharmacist's review of label content."""
    if (dailymed_setid or "").strip() and kind != SourceKind.DRUG_LABEL:
        return (
            "A source with a DailyMed set id is an FDA drug label: choose the type “Drug label”"
            " (or remove the set id if this is not a label)."
        )
    return ""


class Source(models.Model):
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=500)
    issuer = models.CharField(
        max_length=200, blank=True, help_text="Publisher, guideline body or label manufacturer."
    )
    url = models.URLField(max_length=1000, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)
    nct_id = models.CharField("NCT number", max_length=20, blank=True)
    dailymed_setid = models.CharField("DailyMed set id", max_length=40, blank=True)
    isbn = models.CharField("ISBN", max_length=20, blank=True)
    current_version = models.CharField(max_length=100, blank=True)
    version_date = models.DateField(null=True, blank=True)
    retracted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        version = f" ({self.current_version})" if self.current_version else ""
        return f"{self.title}{version}"

    def clean(self) -> None:
        message = label_kind_error(self.kind, self.dailymed_setid)
        if message:
            raise ValidationError({"kind": message})


class Citation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    number = models.PositiveIntegerField(help_text="As shown in the text: [n].")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(max_length=200, blank=True, help_text='e.g. "Section 1.2"')
    cited_version = models.CharField(
        max_length=100, blank=True, help_text="The source version pinned when cited."
    )

    history = HistoricalRecords()
    _history_user: User | None  # who and why of the next save(), for simple-history
    _change_reason: str

    class Meta:
        ordering = ["article", "number", "pk"]
        indexes = [
            # staleness sweep: approved articles citing a source
            models.Index(fields=["source", "article"], name="citation_source_article"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.source.title}"


class DetectedBy(models.TextChoices):
    MANUAL = "manual", "By hand"
    POLLER = "poller", "By the poller"


class SourceVersion(models.Model):
    """One version of a source, as recorded by an editor or detected by the poller.

    The poller keeps the fingerprint of what it fetched (ETag, Last-Modified, SHA-256 of the
    body) on the latest version, so the next poll can ask "changed since?".
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=100, help_text='e.g. "2026.1" or "Version 3.2025".')
    effective_on = models.DateField(null=True, blank=True, help_text="When it was published.")
    detected_by = models.CharField(
        max_length=10, choices=DetectedBy.choices, default=DetectedBy.MANUAL
    )
    content_hash = models.CharField("SHA-256 of the body", max_length=64, blank=True)
    etag = models.CharField("ETag", max_length=300, blank=True)
    # The raw header value: it is echoed back verbatim in If-Modified-Since.
    last_modified = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # evidence (issue 15): chained into its source's chain (editorial.audit.chain)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "-recorded_at", "-pk"]
        indexes = [
            # the poller and the source page: a source's latest version first
            models.Index(fields=["source", "-recorded_at"], name="sourceversion_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.source.title}: {self.label}"

    @property
    def has_fingerprint(self) -> bool:
        return bool(self.content_hash or self.etag or self.last_modified)
