"""A history admin that shows field diffs and never writes: a revert POST is refused, and the
history of an object is shown only to those who may see the object itself."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def _ensure_visible(self, request: HttpRequest, object_id: str) -> None:
        # simple-history falls back to the latest history row when get_queryset hides the
        # object: any staff user would read another author's draft. The admin's own queryset
        # (who may see what) decides, as it does for the change page.
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404("No such object, or you may not see it.")

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        # simple-history only hides the revert button; a POST would still write the old
        # row straight past the state machine (STACK-NOTES). Refuse it.
        if request.method != "GET":
            raise PermissionDenied("History is read-only.")
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # every history row says why: admin edits get a reason unless the caller set one
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = "edited in the admin" if change else "created in the admin"
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj) -> None:
        obj._change_reason = "deleted in the admin"
        super().delete_model(request, obj)
