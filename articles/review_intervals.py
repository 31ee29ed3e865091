"""How long an approval holds: `settings.REVIEW_INTERVAL_DAYS` maps a risk level ("standard",
"high") or a specialty slug ("oncology", or "specialty:oncology") to days; the strictest rule that
applies to an article wins (a standard-risk oncology article with oncology=180 gets 180)."""

from __future__ import annotations

from django.conf import settings

from articles.models import Risk

SPECIALTY_PREFIX = "specialty:"


def interval_rules() -> tuple[dict[str, int], dict[str, int]]:
    """(days by risk, days by specialty slug) from the settings."""
    by_risk, by_specialty = {}, {}
    for key, days in settings.REVIEW_INTERVAL_DAYS.items():
        if key in Risk.values:
            by_risk[key] = int(days)
        else:
            by_specialty[key.removeprefix(SPECIALTY_PREFIX)] = int(days)
    return by_risk, by_specialty


def review_interval_days(risk: str, specialty_slug: str | None = None) -> int:
    """Days until the next periodic review: the strictest of the risk's and the specialty's."""
    by_risk, by_specialty = interval_rules()
    candidates = [by_risk.get(risk, by_risk[Risk.STANDARD])]
    if specialty_slug and specialty_slug in by_specialty:
        candidates.append(by_specialty[specialty_slug])
    return min(candidates)
