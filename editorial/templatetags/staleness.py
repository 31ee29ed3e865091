"""The article page's staleness box: why the article is stale and where to resolve it."""

from __future__ import annotations

from django import template

from articles.models import Article
from editorial.models import StalenessFlag

register = template.Library()


@register.inclusion_tag("admin/editorial/partials/_staleness_flags.html")
def staleness_flags(article: Article) -> dict:
    """The article's open flags with their source (one query)."""
    flags = list(
        StalenessFlag.objects.filter(article=article, resolved_at__isnull=True)
        .select_related("source")
        .order_by("detected_at", "pk")
    )
    return {"flags": flags, "ids": ",".join(str(f.pk) for f in flags)}
