"""The board in the admin: specialties, members, assignments and each member's "My reviews"."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.admin.history import ReadOnlyHistoryAdmin
from editorial.admin.notifications import OverdueFilter
from editorial.models import MyReview
from editorial.roles import board_member_of
from reviewers.models import BoardMember, ReviewAssignment, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(BoardMember)
class BoardMemberAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "credentials", "active", "max_open_reviews")
    list_select_related = ("user",)
    list_filter = ("active", "specialties")
    search_fields = ("user__first_name", "user__last_name", "user__username", "credentials")
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyHistoryAdmin):
    """Editors' view of every assignment. Assign from the article page; decisions are the
    reviewers' own, so nothing here is editable."""

    list_display = ("article", "reviewer", "round", "decision", "due_at", "decided_at")
    list_select_related = ("article", "reviewer__user")
    list_filter = ("decision", "round", OverdueFilter)
    search_fields = ("article__title", "reviewer__user__last_name")
    readonly_fields = [f.name for f in ReviewAssignment._meta.fields]

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
        # open = pending, in the article's current round, while it is under review
        return qs.filter(
            reviewer=member,
            decision="pending",
            article__status="under_review",
            round=F("article__review_round"),
        )

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
