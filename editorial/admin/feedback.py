"""Reader feedback in the admin: editors triage each item (disposition, note) through
editorial.feedback.feedback_resolve, and pass a problem report to the board as a concern in one
click (editorial.feedback.feedback_escalate: a button on the item, an action on the list); the
reader's words are shown as plain text only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from editorial.feedback import feedback_escalate, feedback_escalation_problem, feedback_resolve
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
    change_form_template = "admin/editorial/readerfeedback/change_form.html"
    actions = ["escalate_selected"]
    list_display = (
        "created_at",
        "article",
        "kind",
        "disposition",
        "resolved_by",
        "reply_status",
        "escalated",
    )
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
        "concern_link",
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
        ("Passed to the board", {"fields": ("concern_link",)}),
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

    # --- passing a report to the board as a concern (editorial.feedback.feedback_escalate) ---

    @admin.display(boolean=True, description="concern")
    def escalated(self, obj: ReaderFeedback) -> bool:
        return obj.is_escalated

    @admin.display(description="concern")
    def concern_link(self, obj: ReaderFeedback) -> str:
        if obj.concern is None:
            return "Not passed to the board."
        flag = obj.concern
        url = reverse("admin:editorial_stalenessflag_change", args=[flag.pk])
        by = flag.raised_by
        who = f" by {by.get_full_name() or by.get_username()}" if by is not None else ""
        when = f"{flag.detected_at:%Y-%m-%d %H:%M}"
        # the whole line is the link: a link inside a sentence needs more than colour (axe)
        return format_html('<a href="{}">Concern #{}, raised {}{}</a>', url, flag.pk, when, who)

    def get_urls(self):
        escalate = self.admin_site.admin_view(require_POST(self.escalate_view))
        return [
            path("<int:pk>/escalate/", escalate, name="editorial_readerfeedback_escalate"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            problem = feedback_escalation_problem(obj, request.user)
            extra_context = {
                **(extra_context or {}),
                "can_escalate": problem is None,
                "escalation_problem": problem,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def escalate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The item's button: the service decides who may (a 403 naming why otherwise)."""
        feedback = get_object_or_404(ReaderFeedback.objects.select_related("article"), pk=pk)
        back = reverse("admin:editorial_readerfeedback_change", args=[pk])
        if not self.has_view_permission(request, feedback):  # a board member, not an editor
            back = reverse("admin:index")
        try:
            flag = feedback_escalate(feedback=feedback, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Passed to the board: concern #{flag.pk} on “{feedback.article}”. The article"
                " is flagged for re-review and readers see the notice.",
            )
        return HttpResponseRedirect(back)

    @admin.action(description="Pass the selected problem reports to the board as concerns")
    def escalate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        passed, refused = 0, []
        for feedback in queryset.select_related("article"):
            try:
                feedback_escalate(feedback=feedback, actor=request.user)
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"#{feedback.pk}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                passed += 1
        if passed:
            messages.success(request, f"{passed} report(s) passed to the board as concerns.")
        for line in refused:
            messages.error(request, line)
