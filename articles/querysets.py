"""Named filters on articles. Decisions live in editorial.workflow, not here."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import ProtectedError


class ArticleQuerySet(models.QuerySet):
    def under_review(self) -> ArticleQuerySet:
        return self.filter(status="under_review")

    def stale(self) -> ArticleQuerySet:
        return self.filter(status="stale")

    def authored_by(self, user) -> ArticleQuerySet:
        return self.filter(author=user)

    def citing(self, source) -> ArticleQuerySet:
        return self.filter(citations__source=source).distinct()

    def due_for_review(self, by: date) -> ArticleQuerySet:
        """Approved articles whose periodic review falls due on or before `by`."""
        return self.filter(status="approved", next_review_due__lte=by)

    # --- retention (issue 9) ---
    def submitted_ever(self) -> ArticleQuerySet:
        """Articles that were ever submitted for review: kept for the record, never deleted."""
        return self.exclude(status="draft", review_round=0)

    def delete(self) -> tuple[int, dict[str, int]]:
        kept = list(self.submitted_ever().values_list("title", flat=True)[:3])
        if kept:
            raise ProtectedError(
                "Submitted articles cannot be deleted; archive them instead: " + "; ".join(kept),
                set(),
            )
        return super().delete()
