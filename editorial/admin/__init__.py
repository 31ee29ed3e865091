"""Every admin registration lives here: the admin calls the workflow, so it sits in editorial."""

from editorial.admin import (  # noqa: F401
    api,
    articles,
    feedback,
    notifications,
    outbox,
    reviewers,
    sources,
    staleness,
)
