"""Every admin registration lives here: the admin calls the workflow, so it sits in editorial."""

from editorial.admin import api, articles, notifications, outbox, reviewers, staleness  # noqa: F401
