"""Named filters on articles. Decisions live in editorial.workflow, not here."""

from __future__ import annotations

from datetime import date

from django.db import models


class ArticleQuerySet(models.QuerySet):
    def by_status(self, *statuses: str) -> ArticleQuerySet:
        return self.filter(status__in=statuses)

    def approved(self) -> ArticleQuerySet:
        return self.filter(status="approved")

    def under_review(self) -> ArticleQuerySet:
        return self.filter(status="under_review")

    def awaiting_assignment(self) -> ArticleQuerySet:
        return self.filter(status="submitted")

    def authored_by(self, user) -> ArticleQuerySet:
        return self.filter(author=user)

    def citing(self, source) -> ArticleQuerySet:
        return self.filter(citations__source=source).distinct()

    def due_for_review(self, today: date) -> ArticleQuerySet:
        return self.filter(status="approved", next_review_due__lte=today)
