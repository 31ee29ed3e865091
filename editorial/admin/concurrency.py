"""No silent overwrite in the admin: the article change form carries the version it was loaded
at (the article's updated_at, which every save moves); a save from a form loaded before
someone else's save is refused with a conflict page showing the other change, as the author UI
does. The check and the save happen under the article's row lock."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_datetime

from articles.models import Article
from articles.snapshot import article_snapshot
from editorial.admin.mixins import AdminMixinBase
from editorial.admin.review_diff import snapshot_diff
from editorial.admin.review_page import text_as_of

TOKEN_FIELD = "loaded_version"
TEMPLATE = "admin/articles/article/conflict.html"


def version_token(article: Article) -> str:
    return article.updated_at.isoformat()


def other_change(article: Article, loaded: str) -> dict[str, Any]:
    """Who saved since `loaded`, and what changed in the text (a word diff)."""
    since = parse_datetime(loaded)
    saves = list(
        Article.history.filter(id=article.pk, updated_at__gt=since)
        .select_related("history_user")
        .order_by("history_date")
    )
    if not saves:
        return {"saves": [], "diff": None}
    before = Article.history.filter(id=article.pk, history_date__lt=saves[0].history_date)
    row = before.order_by("-history_date", "-history_id").first()
    diff = None
    if row is not None:
        old = text_as_of(article.pk, row, before=saves[0].history_date)
        diff = snapshot_diff(old, article_snapshot(article))
    return {"saves": saves, "diff": diff}


class OptimisticSaveAdminMixin(AdminMixinBase):
    """Mix into ArticleAdmin (its change_form template renders the token in form_top)."""

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        loaded = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
        if not (object_id and loaded and str(object_id).isdigit()):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            current = Article.objects.select_for_update().filter(pk=object_id).first()
            if current is not None and version_token(current) != loaded:
                return self._conflict(request, current, loaded)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _conflict(self, request: HttpRequest, article: Article, loaded: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Not saved: someone else saved this article since you opened it",
            "opts": self.model._meta,
            "article": article,
            "typed": {
                key: request.POST.get(key, "")
                for key in ("title", "summary", "plain_summary")
                if request.POST.get(key, "") != getattr(article, key)
            },
            **other_change(article, loaded),
        }
        return TemplateResponse(request, TEMPLATE, context, status=409)
