"""403 and 404 pages: in the admin's look (with the reason) under the admin and the author UI,
in the public site's look elsewhere. Wired as handler403/handler404 in config/urls.py."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)
STAFF_PREFIXES = ("/author/", "/account/")


def _is_staff_area(request: HttpRequest) -> bool:
    return request.path.startswith((f"/{settings.ADMIN_URL}", *STAFF_PREFIXES))


def _admin_context(request: HttpRequest) -> dict:
    try:
        return admin.site.each_context(request)
    except Exception:  # an error page must never fail: fall back to the bare admin frame
        logger.exception("admin context for an error page")
        return {}


def _reason(exception: Exception | None, default: str) -> str:
    text = str(exception or "").strip()
    # Django's own 404s carry technical text ("No Article matches the given query.")
    return text if text and not text.startswith(("No ", "Resolver404", "{")) else default


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = _reason(exception, "Your account may not open this page.")
    if not _is_staff_area(request):
        return TemplateResponse(request, "public/forbidden.html", {"reason": reason}, status=403)
    context = {**_admin_context(request), "title": "You cannot open this page", "reason": reason}
    return TemplateResponse(request, "admin/error_page.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_staff_area(request):
        return TemplateResponse(request, "public/not_found.html", status=404)
    reason = _reason(exception, "There is nothing at this address; the link may be mistyped.")
    context = {**_admin_context(request), "title": "Page not found", "reason": reason}
    return TemplateResponse(request, "admin/error_page.html", context, status=404)
