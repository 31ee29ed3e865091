"""The outbox in the admin: what the site owes and has not published yet, and the dead
letters (with the reason) an editor requeues once the cause is fixed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from editorial.models import OutboxMessage, OutboxStatus
from editorial.outbox import outbox_requeue


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only rows (written by the write path, marked by the relay); one action: requeue."""

    list_display = ("id", "task_name", "args", "status", "attempts", "created_at", "last_error")
    list_filter = ("status", "task_name")
    search_fields = ("task_name", "last_error")
    date_hierarchy = "created_at"
    actions = ["requeue"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(
        description="Requeue the selected messages (publish again now)", permissions=["change"]
    )
    def requeue(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = outbox_requeue(queryset)
        skipped = queryset.filter(status=OutboxStatus.SENT).count()
        self.message_user(request, f"{count} message(s) requeued.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} already sent, left as they are.", messages.WARNING
            )
