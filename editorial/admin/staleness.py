"""Staleness in the admin: a source's versions, "record new version", "mark retracted", the CSV
import, and the staleness flags with their resolution. Every write calls editorial.staleness."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles.models import Source
from editorial.access.roles import is_editor
from editorial.admin.source_registry import render_findings
from editorial.admin.sources import SourceAdmin
from editorial.models import Resolution, StalenessFlag
from editorial.outbox import outbox_enqueue
from editorial.staleness.findings import finding_list_for_source
from editorial.staleness.services import (
    article_resolve_staleness,
    source_mark_retracted,
    source_record_version,
)
from editorial.staleness.source_import import source_versions_import
from editorial.staleness.tasks import poll_source

FORM_TEMPLATE = "admin/editorial/staleness_form.html"
MAX_CSV_BYTES = 1024 * 1024


class RecordVersionForm(forms.Form):
    version = forms.CharField(max_length=100, help_text="As the publisher names it: “2026.1”.")
    effective_on = forms.DateField(required=False, help_text="Publication date (YYYY-MM-DD).")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RetractForm(forms.Form):
    note = forms.CharField(max_length=500, help_text="The retraction notice (DOI or URL).")


class ImportVersionsForm(forms.Form):
    file = forms.FileField(help_text="CSV: identifier, version, date (YYYY-MM-DD, optional).")


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(choices=Resolution.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _render(request: HttpRequest, admin_obj, title: str, form, **context) -> HttpResponse:
    return TemplateResponse(
        request,
        FORM_TEMPLATE,
        {
            **admin_obj.admin_site.each_context(request),
            "opts": admin_obj.model._meta,
            "title": title,
            "form": form,
            **context,
        },
    )


admin.site.unregister(Source)


@admin.register(Source)
class SourceWithVersionsAdmin(SourceAdmin):
    change_form_template = "admin/articles/source/change_form.html"
    change_list_template = "admin/articles/source/change_list.html"
    actions = [*SourceAdmin.actions, "poll_now"]

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not is_editor(request.user):
            actions.pop("poll_now", None)
        return actions

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Once a source exists its version and retraction change only through the services,
        # which flag the articles citing it.
        if obj is None:
            return ()
        return ("current_version", "version_date", "retracted", "versions", "registry_findings")

    def get_fields(self, request: HttpRequest, obj=None):
        extra = ("versions", "registry_findings")
        fields = [f for f in super().get_fields(request, obj) if f not in extra]
        return [*fields, *extra] if obj is not None else fields

    @admin.display(description="Registry findings")
    def registry_findings(self, obj: Source) -> str:
        """What each registry said last (one query)."""
        return render_findings(finding_list_for_source(obj))

    @admin.display(description="Versions")
    def versions(self, obj: Source) -> str:
        """The source's versions, newest first (read-only: one query, no formset to post)."""
        rows = obj.versions.select_related("recorded_by").order_by("-recorded_at", "-pk")
        return format_html(
            "<table><thead><tr><th>Version</th><th>Published</th><th>How</th><th>Recorded</th>"
            "<th>By</th><th>Note</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        v.label,
                        v.effective_on or "—",
                        v.get_detected_by_display(),
                        f"{v.recorded_at:%Y-%m-%d %H:%M}",
                        v.recorded_by or "—",
                        v.note,
                    )
                    for v in rows
                ),
            )
            or "None recorded yet.",
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/record-version/",
                wrap(self.record_version_view),
                name="articles_source_record_version",
            ),
            path("<int:pk>/retract/", wrap(self.retract_view), name="articles_source_retract"),
            path(
                "import-versions/",
                wrap(self.import_view),
                name="articles_source_import_versions",
            ),
            *super().get_urls(),
        ]

    def _source_for_editor(self, request: HttpRequest, pk: int) -> Source:
        if not is_editor(request.user):
            raise PermissionDenied("Only an editor can record source versions.")
        return get_object_or_404(Source, pk=pk)

    def _back(self, source: Source) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:articles_source_change", args=[source.pk]))

    def record_version_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        source = self._source_for_editor(request, pk)
        form = RecordVersionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                flagged = source_record_version(
                    source=source, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"Version recorded; {len(flagged)} approved article(s) flagged stale.",
                )
                return self._back(source)
        return _render(request, self, f"Record a new version: {source.title}", form, obj=source)

    def retract_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        source = self._source_for_editor(request, pk)
        form = RetractForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            flagged = source_mark_retracted(
                source=source, actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(
                request, f"Marked retracted; {len(flagged)} approved article(s) flagged stale."
            )
            return self._back(source)
        return _render(request, self, f"Mark retracted: {source.title}", form, obj=source)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not is_editor(request.user):
            raise PermissionDenied("Only an editor can import source versions.")
        form = ImportVersionsForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_CSV_BYTES:
                    raise ValidationError("The file is larger than 1 MB; split it.")
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise ValidationError("The file is not UTF-8 text (save it as CSV).") from exc
                imported = source_versions_import(text=text, actor=request.user)
            except ValidationError as exc:
                form.add_error(None, ValidationError(["Nothing was imported.", *exc.messages]))
            else:
                flagged = sum(row.flagged for row in imported)
                messages.success(
                    request,
                    f"{len(imported)} version(s) recorded; {flagged} article(s) flagged stale.",
                )
                return HttpResponseRedirect(reverse("admin:articles_source_changelist"))
        return _render(request, self, "Import source versions (CSV)", form, is_upload=True)

    @admin.action(description="Poll the selected sources now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.exclude(url="").values_list("pk", flat=True))
        with transaction.atomic():
            for source_id in ids:
                outbox_enqueue(poll_source.name, args=(source_id,))
        self.message_user(request, f"{len(ids)} source(s) queued for polling.")


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("open", "Open"), ("resolved", "Resolved"))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(StalenessFlag)
class StalenessFlagAdmin(admin.ModelAdmin):
    change_form_template = "admin/editorial/stalenessflag/change_form.html"
    # Seven short columns: source, old -> new version and article stay visible at 1280 px
    # beside the admin's navigation and the filters.
    list_display = (
        "article_short",
        "source_short",
        "version_change",
        "reason_short",
        "detected_on",
        "resolution",
        "resolve_button",
    )
    list_select_related = ("article", "source", "resolved_by")
    list_filter = (OpenFilter, "reason", "resolution")
    search_fields = ("article__title", "source__title")
    date_hierarchy = "detected_at"
    actions = ("resolve_selected",)
    fields = (
        "article",
        "source",
        "from_version",
        "to_version",
        "reason",
        "detected_at",
        "resolution",
        "resolved_by",
        "resolved_at",
        "resolution_note",
    )
    readonly_fields = fields

    @admin.display(description="Article", ordering="article__title")
    def article_short(self, flag: StalenessFlag) -> str:
        return Truncator(str(flag.article)).chars(60)

    @admin.display(description="Source", ordering="source__title")
    def source_short(self, flag: StalenessFlag) -> str:
        return Truncator(flag.source.title).chars(50) if flag.source else "—"

    @admin.display(description="Version (old → new)")
    def version_change(self, flag: StalenessFlag) -> str:
        if not flag.to_version:
            return "—"
        return f"{flag.from_version or 'unversioned'} → {flag.to_version}"

    @admin.display(description="Reason", ordering="reason")
    def reason_short(self, flag: StalenessFlag) -> str:
        return Truncator(flag.reason).chars(60)

    @admin.display(description="Detected", ordering="detected_at")
    def detected_on(self, flag: StalenessFlag) -> str:
        return f"{flag.detected_at:%Y-%m-%d}"

    @admin.display(description="Resolve")
    def resolve_button(self, flag: StalenessFlag) -> str:
        if flag.resolved_at is not None:
            return "—"
        url = f"{reverse('admin:editorial_stalenessflag_resolve')}?ids={flag.pk}"
        return format_html('<a class="button" href="{}">Resolve</a>', url)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # flags come from the sweep

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # part of the record

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("resolve/", wrap(self.resolve_view), name="editorial_stalenessflag_resolve"),
            *super().get_urls(),
        ]

    @admin.action(description="Resolve the selected flags (confirm, revise or withdraw)…")
    def resolve_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:editorial_stalenessflag_resolve')}?ids={ids}")

    def resolve_view(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("ids") or request.GET.get("ids", "")
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()][:500]
        flags = list(
            self.get_queryset(request)
            .filter(pk__in=ids, resolved_at__isnull=True)
            .select_related("article", "source")
        )
        form = ResolveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._resolve(request, flags, **form.cleaned_data)
            return HttpResponseRedirect(reverse("admin:editorial_stalenessflag_changelist"))
        if not flags:
            messages.warning(request, "None of the selected flags is open.")
        return _render(
            request, self, "Resolve staleness flags", form, flags=flags, ids=",".join(map(str, ids))
        )

    def _resolve(self, request: HttpRequest, flags, *, resolution: str, note: str) -> None:
        articles = {flag.article_id: flag.article for flag in flags}
        done = 0
        for article in articles.values():
            try:
                article_resolve_staleness(
                    article=article, resolution=resolution, actor=request.user, note=note
                )
            except (ValidationError, PermissionDenied) as exc:
                reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                for reason in reasons:
                    messages.error(request, f"{article}: {reason}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done} article(s) resolved.")
