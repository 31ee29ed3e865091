"""Staleness: when a cited source changes (contract: `from editorial.staleness import
source_record_version`). services.py records versions and resolves flags; sweep.py flags the
approved articles set-based; poller.py, registry_check.py, source_import.py and
source_verification.py are the detectors; tasks.py runs them on schedule.
"""

from editorial.staleness.services import (
    REASON_RETRACTED,
    REASON_REVIEW_DUE,
    REASON_SOURCE_CHANGED,
    RESOLUTION_SERVICES,
    RETRACTED_VERSION,
    VERSION_LENGTH,
    article_resolve_staleness,
    articles_flag_review_due,
    source_mark_retracted,
    source_record_version,
)
from editorial.staleness.sweep import FlaggedArticle

__all__ = [
    "REASON_RETRACTED",
    "REASON_REVIEW_DUE",
    "REASON_SOURCE_CHANGED",
    "RESOLUTION_SERVICES",
    "RETRACTED_VERSION",
    "VERSION_LENGTH",
    "FlaggedArticle",
    "article_resolve_staleness",
    "articles_flag_review_due",
    "source_mark_retracted",
    "source_record_version",
]
