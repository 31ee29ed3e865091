"""Each person's email preferences: the service, and the page at /account/notifications/."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from editorial.models import NotificationPreference


def notification_preference_of(user: User) -> NotificationPreference:
    """The user's preferences, or the unsaved defaults (weekly report, every notice)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def notification_preference_update(
    *, user: User, report_frequency: str, notify_assignments: bool, notify_workflow: bool
) -> NotificationPreference:
    """Save what mail `user` wants; only the user themself (or an editor in the admin)."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "report_frequency": report_frequency,
            "notify_assignments": notify_assignments,
            "notify_workflow": notify_workflow,
        },
    )
    return preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("report_frequency", "notify_assignments", "notify_workflow")
        widgets = {"report_frequency": forms.RadioSelect}
        help_texts = {
            "report_frequency": "Stale articles, periodic reviews due and late review "
            "assignments that concern you. Nothing is sent when there is nothing to report.",
        }


@login_required
def notification_preferences_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own preferences; nobody edits someone else's here."""
    user = cast(User, request.user)  # @login_required
    form = PreferenceForm(request.POST or None, instance=notification_preference_of(user))
    if request.method == "POST":
        if form.is_valid():
            notification_preference_update(user=user, **form.cleaned_data)
            messages.success(request, "Your email preferences were saved.")
            return HttpResponseRedirect(request.path)
        messages.error(request, "Please correct the choice below.")
    context = {
        **admin.site.each_context(request),
        "title": "Email notifications",
        "form": form,
    }
    return TemplateResponse(request, "account/notifications.html", context)
