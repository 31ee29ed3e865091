"""Imprimatur's admin site: board reviewers land on "My reviews"; editors see the dashboard."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from editorial.access.roles import board_member_of, is_editor
from editorial.reporting.dashboard import dashboard_for_editors


class ImprimaturAdminSite(admin.AdminSite):
    site_header = "Imprimatur"
    site_title = "Imprimatur editorial"
    index_title = "Editorial workflow"

    # The stub pins the base's TemplateResponse; a view may answer with any HttpResponse (redirect).
    def index(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        user = request.user
        if board_member_of(user) is not None and not is_editor(user):
            return redirect("admin:editorial_myreview_changelist")
        if is_editor(user):
            extra_context = {**(extra_context or {}), "dashboard": dashboard_for_editors()}
        return super().index(request, extra_context)
