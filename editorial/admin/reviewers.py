"""The board in the admin: specialties, members, assignments and each member's "My reviews"."""

from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.access.roles import board_member_of
from editorial.admin.history import ReadOnlyHistoryAdmin
from editorial.admin.notifications import OverdueFilter
from editorial.models import MyReview
from editorial.workflow.signatures import signature_of
from reviewers.models import (
    AuthorProfile,
    BoardMember,
    Disclosure,
    ReviewAssignment,
    ReviewAssignmentQuerySet,
    Specialty,
)
from reviewers.selectors import open_load_annotation


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    def get_deleted_objects(self, objs, request: HttpRequest):
        # articles refer to a specialty with PROTECT; board members through a many-to-many,
        # which Django would clear silently: list them as protected too (issue 15)
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        held = BoardMember.objects.filter(specialties__in=list(objs)).distinct()
        protected = [*protected, *(f"Board member: {member}" for member in held)]
        return deleted, counts, perms_needed, protected


@admin.register(AuthorProfile)
class AuthorProfileAdmin(ReadOnlyHistoryAdmin):
    """The byline's credentials of each author (issue 21)."""

    list_display = ("user", "credentials")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "credentials")
    autocomplete_fields = ("user",)


class LicenceDueFilter(admin.SimpleListFilter):
    title = "licence due"
    parameter_name = "licence_due"

    def lookups(self, request: HttpRequest, model_admin):
        return [("yes", "Due for re-verification"), ("no", "Verified recently")]

    def queryset(self, request: HttpRequest, queryset):
        due = BoardMember.objects.licence_due().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=due)
        if self.value() == "no":
            return queryset.exclude(pk__in=due)
        return queryset


class DisclosureInline(admin.TabularInline):
    model = Disclosure
    extra = 0
    fields = ("organisation", "kind", "since", "until", "note")


@admin.register(BoardMember)
class BoardMemberAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "__str__",
        "credentials",
        "affiliation",
        "licence_number",
        "licence",
        "open_reviews",
        "active",
    )
    list_select_related = ("user",)
    list_filter = ("active", LicenceDueFilter, "specialties")
    search_fields = (
        "user__first_name",
        "user__last_name",
        "user__username",
        "credentials",
        "affiliation",
        "licence_number",
    )
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)
    inlines = (DisclosureInline,)
    fields = (
        "user",
        "credentials",
        "specialties",
        "affiliation",
        "licence_number",
        "licence_verified_on",
        "active",
        "max_open_reviews",
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(open_load=open_load_annotation())

    @admin.display(description="Licence", ordering="licence_verified_on")
    def licence(self, obj: BoardMember) -> str:
        if obj.licence_verified_on is None:
            return format_html("<strong>{}</strong>", "due (never verified)")
        verified = obj.licence_verified_on.strftime("%d %b %Y")
        if obj.is_licence_due():
            return format_html("<strong>due</strong> (verified {})", verified)
        return f"verified {verified}"

    @admin.display(description="Open reviews", ordering="open_load")
    def open_reviews(self, obj: BoardMember) -> str:
        return f"{obj.open_load} of {obj.max_open_reviews}"

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = "disclosure removed"
            obj.delete()
        for obj in instances:
            obj._change_reason = "disclosure recorded"
            obj.save()
        formset.save_m2m()


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyHistoryAdmin):
    """Editors' view of every assignment. Assign from the article page; decisions are the
    reviewers' own, so nothing here is editable."""

    list_display = ("article", "reviewer", "round", "decision", "due_at", "decided_at", "signed")
    list_select_related = ("article", "reviewer__user", "signature")
    list_filter = ("decision", "round", OverdueFilter)
    search_fields = ("article__title", "reviewer__user__last_name")
    readonly_fields = [*(f.name for f in ReviewAssignment._meta.fields), "signed"]

    @admin.display(description="Signature")
    def signed(self, obj: ReviewAssignment) -> str:
        signature = signature_of(obj)
        return str(signature) if signature else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MyReview)
class MyReviewAdmin(admin.ModelAdmin):
    """A board member's open reviews, soonest due first: their landing page."""

    list_display = ("article_link", "risk", "round", "assigned_at", "due", "decide")
    list_display_links = None
    list_per_page = 50
    ordering = ("due_at", "pk")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {"title": "My reviews: assigned to you and awaiting your decision"}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest):
        member = board_member_of(request.user)
        qs = super().get_queryset(request).select_related("article")
        if member is None:
            return qs.none()
        # open = pending, in the article's current round, while it is under review; by index
        # from the member's pending rows (ReviewAssignmentQuerySet.open, bench/review_queue.py)
        return cast(ReviewAssignmentQuerySet, qs).open().filter(reviewer=member)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return board_member_of(request.user) is not None

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        member = board_member_of(request.user)
        return member is not None and (obj is None or obj.reviewer_id == member.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, obj: ReviewAssignment) -> str:
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.title)

    @admin.display(description="Risk")
    def risk(self, obj: ReviewAssignment) -> str:
        return obj.article.get_risk_display()

    @admin.display(description="Due", ordering="due_at")
    def due(self, obj: ReviewAssignment) -> str:
        if obj.due_at is None:
            return "—"
        overdue = obj.due_at < timezone.now()
        label = obj.due_at.strftime("%d %b %Y")
        return format_html("<strong>{} (overdue)</strong>", label) if overdue else label

    @admin.display(description="")
    def decide(self, obj: ReviewAssignment) -> str:
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a class="button" href="{}#decision">Review</a>', url)
