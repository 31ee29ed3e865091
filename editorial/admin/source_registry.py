"""Sources in the admin: identifiers normalised and checked like the author UI (same messages),
and the "verify against registry" action, which calls editorial.staleness.source_verification
and reports what each registry said as admin messages."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from articles.identifiers import MAX_INPUT_LENGTH
from articles.models import RegistryFinding, Source
from articles.resolvers import is_enabled
from articles.source_identifiers import IDENTIFIER_FIELDS, source_identifiers_normalize
from editorial.access.roles import is_editor
from editorial.admin.mixins import AdminMixinBase
from editorial.staleness.source_verification import DISABLED_MESSAGE, source_verify

MAX_SOURCES_PER_RUN = 20  # each source is up to three web requests, made while the admin waits


class SourceAdminForm(forms.ModelForm):
    """Accepts identifiers as pasted and saves their canonical form; a malformed one is an
    error on its field with the author UI's sentence (articles.source_identifiers)."""

    url = forms.URLField(label="URL", max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets decide what is shown)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.identifier_notes: list[str] = []
        for name in IDENTIFIER_FIELDS:
            field = self.fields.get(name)
            if isinstance(field, forms.CharField):
                # a pasted PubMed address is longer than the PMID it holds
                field.max_length = MAX_INPUT_LENGTH
                field.widget.attrs["maxlength"] = str(MAX_INPUT_LENGTH)
                field.validators = []

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        result = source_identifiers_normalize(data)
        for name, sentences in result.errors.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, sentences)
        if not result.errors:
            data.update({k: v for k, v in result.values.items() if k in IDENTIFIER_FIELDS})
            if "current_version" in self.fields:
                data["current_version"] = result.values.get("current_version", "")
            self.identifier_notes = result.notes
        return data


class SourceRegistryAdminMixin(AdminMixinBase):
    """Mix into SourceAdmin before the ModelAdmin class."""

    form = SourceAdminForm
    actions = ["verify_against_registry"]

    def save_model(self, request: HttpRequest, obj: Source, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for note in getattr(form, "identifier_notes", []):
            messages.info(request, note)

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


def render_findings(findings: list[RegistryFinding], *, with_source: bool = False) -> str:
    """The latest registry findings as an HTML table, problems highlighted."""
    if not findings:
        return format_html(
            "<p>{}</p>",
            "No registry finding yet: “Verify against registry” or the nightly poller ask "
            "the registries (when CITATION_RESOLVERS_ENABLED).",
        )
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td>"
        '<td><strong style="color:{}">{}</strong></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                f.source.title if with_source else "",
                f.registry,
                f.identifier,
                f"{f.checked_at:%Y-%m-%d %H:%M}",
                "var(--error-fg, #ba2121)" if f.is_problem else "inherit",
                f.get_outcome_display(),
                " — ".join(p for p in (f.matched_title, f.matched_authors) if p) or "—",
                f.matched_year or "—",
                f.detail or "—",
            )
            for f in findings
        ),
    )
    return format_html(
        '<table style="width:100%"><thead><tr><th>{}</th><th>Registry</th><th>Identifier</th>'
        "<th>Checked</th><th>Outcome</th><th>Registry's title — authors</th><th>Year</th>"
        "<th>Detail</th></tr></thead><tbody>{}</tbody></table>",
        "Source" if with_source else "",
        rows,
    )
