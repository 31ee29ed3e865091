"""The editorial policy page's facts, read from the settings the workflow enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from articles.models import Risk
from articles.review_intervals import interval_rules
from editorial.public.selectors.directory import specialties_for_public
from editorial.public.selectors.visibility import shows_pending


@dataclass(frozen=True)
class EditorialPolicy:
    risk_rules: list[dict[str, Any]]
    # REVIEW_INTERVAL_DAYS by specialty (the strictest of risk and specialty applies)
    specialty_rules: list[dict[str, Any]]
    review_due_days: int
    shows_pending: bool
    pharmacist_for_labels: bool


def editorial_policy() -> EditorialPolicy:
    """The review rules as the system enforces them, read from the live settings."""
    quorum = settings.REVIEW_QUORUM
    by_risk, by_specialty = interval_rules()
    risk_rules = [
        {
            "risk": label,
            "quorum": quorum.get(value, quorum["standard"]),
            "interval_days": by_risk.get(value, by_risk["standard"]),
        }
        for value, label in Risk.choices
    ]
    names = {s.slug: s.name for s in specialties_for_public().by_name} if by_specialty else {}
    specialty_rules = [
        {"specialty": names.get(slug, slug.replace("-", " ").capitalize()), "interval_days": days}
        for slug, days in sorted(by_specialty.items())
    ]
    return EditorialPolicy(
        risk_rules=risk_rules,
        specialty_rules=specialty_rules,
        review_due_days=settings.REVIEW_DUE_DAYS,
        shows_pending=shows_pending(),
        pharmacist_for_labels=bool(getattr(settings, "REVIEW_PHARMACIST_FOR_LABELS", True)),
    )
