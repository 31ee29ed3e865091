"""The write path for review state (contract: `from editorial.workflow import article_submit`).

services.py holds the transitions (revisions.py: re-review and revision); permissions, quorum,
signatures, the checklist and the submission check are the rules they apply.
"""

from editorial.workflow.concerns import article_raise_concern, article_raise_reader_concern
from editorial.workflow.lifecycle import article_archive, article_flag_stale
from editorial.workflow.revisions import article_rereview, article_start_revision
from editorial.workflow.risk import article_risk_proposal, article_set_risk
from editorial.workflow.services import DECISIONS, article_submit, review_assign, review_decide
from editorial.workflow.withdraw import review_replace, review_withdraw
from editorial.workflow.withdrawal import article_withdraw

__all__ = [
    "DECISIONS",
    "article_archive",
    "article_flag_stale",
    "article_raise_concern",
    "article_raise_reader_concern",
    "article_rereview",
    "article_risk_proposal",
    "article_set_risk",
    "article_start_revision",
    "article_submit",
    "article_withdraw",
    "review_assign",
    "review_decide",
    "review_replace",
    "review_withdraw",
]
