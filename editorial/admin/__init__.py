"""Every admin registration lives here: the admin calls the workflow, so it sits in editorial."""

from editorial.admin import (  # noqa: F401
    articles,
    feedback,
    notifications,
    reviewers,
    staleness,
)
