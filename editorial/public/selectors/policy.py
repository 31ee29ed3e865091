"""The editorial policy page's facts, read from the settings the workflow enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from articles.models import Risk
from editorial.public.selectors.visibility import shows_pending


@dataclass(frozen=True)
class EditorialPolicy:
    risk_rules: list[dict[str, Any]]
    review_due_days: int
    shows_pending: bool
    pharmacist_for_labels: bool


def editorial_policy() -> EditorialPolicy:
    """The review rules as the system enforces them, read from the live settings."""
    quorum, intervals = settings.REVIEW_QUORUM, settings.REVIEW_INTERVAL_DAYS
    risk_rules = [
        {
            "risk": label,
            "quorum": quorum.get(value, quorum["standard"]),
            "interval_days": intervals.get(value, intervals["standard"]),
        }
        for value, label in Risk.choices
    ]
    return EditorialPolicy(
        risk_rules=risk_rules,
        review_due_days=settings.REVIEW_DUE_DAYS,
        shows_pending=shows_pending(),
        pharmacist_for_labels=bool(getattr(settings, "REVIEW_PHARMACIST_FOR_LABELS", True)),
    )
