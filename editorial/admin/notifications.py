"""Email in the admin: everyone's notification preferences (editors), the delivery records
(who got which report or notice, and failures), and the "overdue" filter the dashboard links to."""

from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from editorial.models import NotificationDelivery, NotificationPreference, ReportDelivery
from reviewers.models import ReviewAssignmentQuerySet


class OverdueFilter(admin.SimpleListFilter):
    """Pending assignments of an article's current round, still under review, past due."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", "Overdue"),)

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() != "yes":
            return queryset
        return cast(ReviewAssignmentQuerySet, queryset).overdue(timezone.now())


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "report_frequency", "notify_assignments", "notify_workflow")
    list_select_related = ("user",)
    list_filter = ("report_frequency",)
    search_fields = ("user__username", "user__last_name", "user__email")
    autocomplete_fields = ("user",)


class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: the record of what was sent is written by the senders only."""

    list_select_related = ("recipient",)
    list_filter = ("status",)
    search_fields = ("recipient__username", "recipient__email", "subject")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(DeliveryAdmin):
    list_display = ("recipient", "period_key", "status", "attempts", "sent_at", "subject")


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(DeliveryAdmin):
    list_display = ("recipient", "event_key", "status", "attempts", "sent_at", "subject")
