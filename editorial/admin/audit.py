"""The article's audit trail in the admin: timeline page, CSV and PDF exports.

A mixin for ArticleAdmin so the hook in editorial/admin/articles.py stays one line. Who may
see it: editors and the board members assigned to the article in any round (others: 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from articles.models import Article
from editorial.admin.mixins import AdminMixinBase
from editorial.audit.anchor_reader import anchor_statement
from editorial.audit.chain import ARTICLE_CHAIN
from editorial.audit.export import audit_pdf, signatures_csv, timeline_csv
from editorial.audit.timeline import ArticleAudit, article_timeline, can_view_audit


class AuditTrailAdminMixin(AdminMixinBase):
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/audit/", wrap(self.audit_view), name="articles_article_audit"),
            path(
                "<int:pk>/audit/<str:export>/",
                wrap(self.audit_export_view),
                name="articles_article_audit_export",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        # the "Audit trail" button shows only to those who may open it (editors: no query)
        extra_context = {
            **(extra_context or {}),
            "can_view_audit": object_id.isdigit() and can_view_audit(int(object_id), request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _audit_or_403(self, request: HttpRequest, pk: int) -> ArticleAudit:
        article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
        if not can_view_audit(article, request.user):
            raise PermissionDenied("Only editors and the article's reviewers see its audit trail.")
        return article_timeline(article)

    def audit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        audit = self._audit_or_403(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Audit trail: {audit.article}",
            "opts": self.model._meta,
            "article": audit.article,
            "audit": audit,
        }
        return TemplateResponse(request, "admin/audit/article_audit.html", context)

    def audit_export_view(self, request: HttpRequest, pk: int, export: str) -> HttpResponse:
        exports = {
            "timeline.csv": ("text/csv", lambda a: timeline_csv(a)),
            "signatures.csv": ("text/csv", lambda a: signatures_csv(a)),
            "audit.pdf": (
                "application/pdf",
                lambda a: audit_pdf(
                    a, timezone.now(), anchor_statement(ARTICLE_CHAIN, a.article.pk)
                ),
            ),
        }
        if export not in exports:
            return HttpResponse("Unknown export.", status=404, content_type="text/plain")
        audit = self._audit_or_403(request, pk)
        content_type, render = exports[export]
        response = HttpResponse(render(audit), content_type=content_type)
        filename = f"{audit.article.slug}-{export.replace('.', '-', export.count('.') - 1)}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
