"""Reader feedback in the admin: editors triage each item (disposition, note) through
editorial.feedback.feedback_resolve; the reader's words are shown as plain text only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from editorial.feedback import feedback_resolve
from editorial.models import Disposition, ReaderFeedback


class FeedbackResolveForm(forms.ModelForm):
    disposition = forms.ChoiceField(choices=Disposition.choices)
    resolution_note = forms.CharField(
        label="Note (sent to the reader as the reply when they left an address)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = ReaderFeedback
        fields = ("disposition", "resolution_note")


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return (("yes", "Open"), ("no", "Disposed of"))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "yes")
        return queryset


@admin.register(ReaderFeedback)
class ReaderFeedbackAdmin(admin.ModelAdmin):
    form = FeedbackResolveForm
    list_display = ("created_at", "article", "kind", "disposition", "resolved_by", "reply_status")
    list_select_related = ("article", "resolved_by")
    list_filter = (OpenFilter, "kind", "disposition")
    search_fields = ("message", "article__title", "article__slug")
    date_hierarchy = "created_at"
    readonly_fields = (
        "article",
        "kind",
        "message",
        "email",
        "created_at",
        "seen_status",
        "seen_content_sha256",
        "seen_approved_at",
        "resolved_at",
        "resolved_by",
        "reply_status",
    )
    fieldsets = (
        (
            "The reader's note",
            {"fields": ("article", "kind", "message", "email", "created_at")},
        ),
        (
            "The version they read",
            {"fields": ("seen_status", "seen_content_sha256", "seen_approved_at")},
        ),
        (
            "Disposition",
            {"fields": ("disposition", "resolution_note", "resolved_at", "resolved_by")},
        ),
        ("Reply", {"fields": ("reply_status",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the record of what readers told us is kept

    # view/change: the Editors group's model permissions (role_setup); feedback_resolve checks
    # the editor role again on save

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        try:
            feedback_resolve(
                feedback=obj,
                disposition=form.cleaned_data["disposition"],
                actor=request.user,
                note=form.cleaned_data["resolution_note"],
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
