"""The "verify against registry" action on sources: calls editorial.staleness.source_verification
and
reports what each registry said as admin messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.models import Source
from articles.resolvers import is_enabled
from editorial.access.roles import is_editor
from editorial.admin.mixins import AdminMixinBase
from editorial.staleness.source_verification import DISABLED_MESSAGE, source_verify

MAX_SOURCES_PER_RUN = 20  # each source is up to three web requests, made while the admin waits


class SourceRegistryAdminMixin(AdminMixinBase):
    """Mix into SourceAdmin before the ModelAdmin class."""

    actions = ["verify_against_registry"]

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not is_editor(request.user):
            actions.pop("verify_against_registry", None)
        return actions

    @admin.action(description="Verify against registry (Crossref, PubMed, DailyMed)")
    def verify_against_registry(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        if not is_enabled():
            messages.warning(request, DISABLED_MESSAGE)
            return
        sources = list(queryset[: MAX_SOURCES_PER_RUN + 1])
        if len(sources) > MAX_SOURCES_PER_RUN:
            messages.error(request, f"Select at most {MAX_SOURCES_PER_RUN} sources at a time.")
            return
        for source in sources:
            try:
                report = source_verify(source=source, actor=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return
            for failure in report.failures:
                messages.error(request, f"{source.title}: {failure}")
            for flag in report.flags:
                messages.warning(request, f"{source.title}: {flag}")
            if report.filled:
                messages.info(request, f"{source.title}: filled {', '.join(report.filled)}.")
            if report.checked and not report.flags and not report.failures:
                messages.success(request, f"{source.title}: matches {', '.join(report.checked)}.")
            elif not (report.checked or report.flags or report.failures):
                messages.info(
                    request, f"{source.title}: no DOI, PMID or DailyMed set id to look up."
                )
