"""Reads for the public site: which articles readers may see, and what exactly they see.

Readers see the stored approved snapshot, never the live rows of a revision in progress. The
only live rows ever shown are those of an article submitted or under review for the first time
(no snapshot yet), and only while PUBLIC_SHOWS_PENDING is on, without the board's badge.
"""

from editorial.public.selectors.article import (
    TRACKER_STEPS,
    PublicArticle,
    PublicReviewer,
    StaleNotice,
    article_for_public,
    article_reviewers_for_public,
    article_stale_notice_for_public,
)
from editorial.public.selectors.changes import (
    PublicChange,
    article_changes_for_public,
    superseded_snapshot,
)
from editorial.public.selectors.directory import (
    PublicDisclosure,
    PublicMember,
    PublicSpecialties,
    board_digest,
    board_for_public,
    specialties_for_public,
)
from editorial.public.selectors.index import (
    PER_PAGE,
    ListingSlice,
    PublicPage,
    article_list_for_public,
    article_page_for_public,
    article_slice_for_public,
    page_number,
    specialty_list_for_public,
)
from editorial.public.selectors.policy import EditorialPolicy, editorial_policy
from editorial.public.selectors.visibility import (
    PublicVersion,
    Visibility,
    article_row_for_public,
    article_version_for_public,
    article_visibility,
    page_version,
    shows_pending,
)

__all__ = [
    "PER_PAGE",
    "TRACKER_STEPS",
    "EditorialPolicy",
    "ListingSlice",
    "PublicArticle",
    "PublicChange",
    "PublicDisclosure",
    "PublicMember",
    "PublicPage",
    "PublicReviewer",
    "PublicSpecialties",
    "PublicVersion",
    "StaleNotice",
    "Visibility",
    "article_changes_for_public",
    "article_for_public",
    "article_list_for_public",
    "article_page_for_public",
    "article_reviewers_for_public",
    "article_row_for_public",
    "article_slice_for_public",
    "article_stale_notice_for_public",
    "article_version_for_public",
    "article_visibility",
    "board_digest",
    "board_for_public",
    "editorial_policy",
    "page_number",
    "page_version",
    "shows_pending",
    "specialties_for_public",
    "specialty_list_for_public",
    "superseded_snapshot",
]
