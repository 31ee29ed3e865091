"""What the registries said about a source's identifiers (articles.resolvers), one row per
answer. A model of the articles app (re-exported by articles.models)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FindingOutcome(models.TextChoices):
    MATCH = "match", "Matches the record"
    MISMATCH = "mismatch", "Does not match the record"
    RETRACTED = "retracted", "Retracted"
    NOT_FOUND = "not_found", "No record"
    FAILED = "failed", "Registry not reached"


PROBLEM_OUTCOMES = (FindingOutcome.MISMATCH, FindingOutcome.RETRACTED, FindingOutcome.NOT_FOUND)


class RegistryFinding(models.Model):
    """What one resolver said about one source's identifier, each time it was asked (the
    "verify against registry" action, the poller). Append-only: the latest per resolver is
    what the source admin and the citation check show."""

    source = models.ForeignKey("articles.Source", on_delete=models.CASCADE, related_name="findings")
    resolver = models.CharField(max_length=200, help_text="Dotted path (CITATION_RESOLVERS).")
    registry = models.CharField(max_length=50)
    identifier = models.CharField(max_length=200)
    checked_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=FindingOutcome.choices)
    matched_title = models.CharField(max_length=1000, blank=True)
    matched_authors = models.TextField(blank=True, help_text="As the registry lists them.")
    matched_year = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True, help_text="Mismatches, notices, the error.")

    class Meta:
        ordering = ["source", "-checked_at", "-pk"]
        indexes = [
            # the source admin and the citation check: a source's latest findings first
            models.Index(fields=["source", "-checked_at"], name="registryfinding_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.identifier}: {self.get_outcome_display()}"

    @property
    def is_problem(self) -> bool:
        return self.outcome in PROBLEM_OUTCOMES
