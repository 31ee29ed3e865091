"""Celery task for the public side: pre-render an approved article's body after the approval
commits, so the review transaction does no Markdown work. Safe to run twice: it writes only a
missing or outdated rendering, and only while the approval it read is still current."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from articles.models import Article
from editorial.public.render import approved_snapshots_prerender


@shared_task(
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    # a database away for a moment: try again (the render is idempotent)
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
)
def prerender_article(article_id: int) -> int:
    """Store the rendering of this article's approved snapshot; returns rows written (0 or 1).
    Pages render on the fly until it has run."""
    return approved_snapshots_prerender(Article.objects.filter(pk=article_id))
