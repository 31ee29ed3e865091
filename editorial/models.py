"""Editorial records. MyReview is the board member's own view of their open assignments."""

from reviewers.models import ReviewAssignment


class MyReview(ReviewAssignment):
    class Meta:
        proxy = True
        verbose_name = "my review"
        verbose_name_plural = "my reviews"
