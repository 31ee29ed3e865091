"""Articles in the admin. Workflow buttons post to views that call
editorial.workflow; the admin never sets status itself."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.models import Article
from articles.querysets import ArticleQuerySet
from articles.snapshot import snapshot_change_summary, snapshot_hash, snapshot_of_prefetched
from editorial import workflow
from editorial.access.roles import board_member_of, is_editor
from editorial.admin import review_page
from editorial.admin.assignments import AssignmentDeskAdminMixin, next_suggestion
from editorial.admin.audit import AuditTrailAdminMixin
from editorial.admin.bulk import BULK_ACTIONS, BulkActionsAdminMixin
from editorial.admin.citation_checks import CitationCheckAdminMixin
from editorial.admin.concurrency import OptimisticSaveAdminMixin
from editorial.admin.forms import AssignForm, DecisionForm, ReasonForm
from editorial.admin.history import ReadOnlyHistoryAdmin
from editorial.admin.inlines import CitationInline, SectionInline
from editorial.workflow import permissions as perms
from editorial.workflow.citation_check import article_prefetch_for_check
from editorial.workflow.quorum import quorum_state
from editorial.workflow.signatures import (
    approval_is_valid,
    article_cites_label,
    signature_of,
    snapshot_cites_label,
)
from reviewers.conflicts import new_issuer_names
from reviewers.models import ReviewAssignment
from reviewers.selectors import board_member_suggestions_for_article

WORKFLOW_ACTIONS = {
    "submit": workflow.article_submit,
    "rereview": workflow.article_rereview,
    "start_revision": workflow.article_start_revision,
}
REASON_ACTIONS = {
    "archive": workflow.article_archive,
    "raise_concern": workflow.article_raise_concern,
    "withdraw": workflow.article_withdraw,
}


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@admin.register(Article)
class ArticleAdmin(
    OptimisticSaveAdminMixin,
    BulkActionsAdminMixin,
    AssignmentDeskAdminMixin,
    AuditTrailAdminMixin,
    CitationCheckAdminMixin,
    ReadOnlyHistoryAdmin,
):
    change_form_template = "admin/articles/article/change_form.html"
    actions = [*CitationCheckAdminMixin.actions, *BULK_ACTIONS]
    list_display = ("title", "status", "author", "specialty", "risk", "review_round", "updated_at")
    list_select_related = ("author", "specialty")
    list_filter = ("status", "risk", "specialty")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (SectionInline, CitationInline)
    readonly_fields = (
        "status",
        "review_round",
        "submitted_at",
        "approved_at",
        "last_reviewed_at",
        "next_review_due",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "plain_summary", "specialty", "risk")}),
        ("Review", {"fields": readonly_fields}),
    )

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request).select_related("author", "specialty")
        user = request.user
        if is_editor(user):
            return qs
        member = board_member_of(user)
        if member is not None:
            assigned = ReviewAssignment.objects.filter(article=OuterRef("pk"), reviewer=member)
            return qs.filter(Q(Exists(assigned)) | Q(author=user))
        return cast(ArticleQuerySet, qs).authored_by(user)  # Article.objects' queryset class

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (obj.is_editable and perms.can_edit(obj, request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None):
        # Risk is set through workflow.article_set_risk (with a reason): the assign page.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if obj is None else (*fields, "risk")

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts, object_id: str):
        # An article the user may not see answers 404, like one that does not exist (Django
        # redirects to the index instead): every per-article view answers the same way.
        raise Http404("No such article, or you may not see it.")

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # Once submitted an article is evidence: archive it instead.
        if obj is not None and (obj.status != "draft" or obj.review_round > 0):
            return False
        return super().has_delete_permission(request, obj) and (
            obj is None or perms.can_edit(obj, request.user)
        )

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change:
            obj.author = cast(User, request.user)  # the admin lets only signed-in staff in
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = "removed in the admin"
            obj.delete()
        for obj in instances:
            obj._change_reason = "edited in the admin"
            obj.save()
        formset.save_m2m()

    # --- workflow panel -------------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(self.decide_view), name="articles_article_decide"),
            path("<int:pk>/assign/", wrap(self.assign_view), name="articles_article_assign"),
            path(
                "<int:pk>/workflow/<str:action>/",
                wrap(self.workflow_view),
                name="articles_article_workflow",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is None:
            return review_page.refusal_response(self, request, object_id)
        context = self._workflow_context(request, article)
        if review_page.shows_review_page(request, article, context["assignments"]):
            return review_page.review_response(self, request, article, context)
        extra_context = {**(extra_context or {}), **context}
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(
        self, request: HttpRequest, article: Article, decision_form: DecisionForm | None = None
    ) -> dict:
        user = request.user
        assignments = list(
            ReviewAssignment.objects.filter(article=article)
            .select_related("reviewer__user", "signature")
            .order_by("-round", "pk")
        )
        board = self._board_context(request, article, assignments)
        mine = next(
            (
                a
                for a in assignments
                if a.reviewer.user_id == user.pk
                and a.round == article.review_round
                and a.decision == "pending"
                and article.status == "under_review"
            ),
            None,
        )
        # the buttons: the transitions django-fsm finds available from this state, with their
        # @transition labels, that the workflow lets this user fire from a button
        actions = [
            (t.name, t.custom["label"])
            for t in cast(Any, article).get_available_status_transitions()  # added by django-fsm
            if t.name in WORKFLOW_ACTIONS and perms.can_fire(t.name, article, user)
        ]
        return {
            **board,
            "article": article,
            "assignments": assignments,
            "my_assignment": mine,
            "decision_form": (
                decision_form
                or DecisionForm(
                    cites_label=board["cites_label"],
                    initial={"change_summary": snapshot_change_summary(article)},
                )
            )
            if mine
            else None,
            "workflow_actions": actions,
            "can_assign": article.status in ("submitted", "under_review")
            and perms.can_assign(article, user),
            "can_archive": article.status != "archived" and perms.can_archive(article, user),
            "can_withdraw": article.status == "submitted" and perms.can_submit(article, user),
            "can_raise_concern": article.status in ("approved", "stale")
            and perms.can_raise_concern(user),
            "reason_form": ReasonForm(),
        }

    def _board_context(
        self, request: HttpRequest, article: Article, assignments: list[ReviewAssignment]
    ) -> dict:
        """Quorum progress, each signature and its validity, and the next suggestion after a
        decline (snapshot: 2 queries; suggestions: 5 more, only when one is offered)."""
        # the citation check's prefetch (2 queries) also feeds the snapshot and the review page
        article_prefetch_for_check(article)
        snapshot = snapshot_of_prefetched(article)
        content_hash, cites_label = snapshot_hash(snapshot), snapshot_cites_label(snapshot)
        for a in cast(list[Any], assignments):  # .signed, .is_valid_approval: for the page
            a.signed = signature_of(a)
            a.is_valid_approval = approval_is_valid(a, content_hash)
        in_round = [a for a in assignments if a.round == article.review_round]
        state = None
        if article.review_round:
            state = quorum_state(
                article, in_round, content_hash=content_hash, cites_label=cites_label
            )
        return {
            "snapshot": snapshot,
            "cites_label": cites_label,
            "content_hash": content_hash,
            "quorum": state,
            "next_suggestion": next_suggestion(request.user, article, in_round, state),
        }

    def _article_or_404(self, request: HttpRequest, pk: int) -> Article:
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _back(self, article: Article) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return self._back(self._article_or_404(request, pk))
        article = self._article_or_404(request, pk)
        member = board_member_of(request.user)
        assignment = ReviewAssignment.objects.filter(
            article=article, reviewer=member, round=article.review_round
        ).first()
        if member is None or assignment is None:
            raise PermissionDenied("You are not assigned to review this article.")
        form = DecisionForm(
            request.POST,
            user=request.user,
            request=request,
            cites_label=article_cites_label(article),
        )
        if form.is_valid():
            try:
                workflow.review_decide(
                    assignment=assignment,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    change_summary=form.cleaned_data["change_summary"],
                    checklist=form.checklist(),
                    actor=request.user,
                )
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            except PermissionDenied as exc:  # a conflict of interest: say which, on the page
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your decision was recorded.")
                return self._back(article)
        # Refused: the page again, with everything typed except the password, errors beside
        # their fields.
        context = self._workflow_context(request, article, decision_form=form)
        if context["decision_form"] is None:
            for message in form.non_field_errors():
                # an ErrorList yields message strings; the stubs say ValidationError | str
                messages.error(request, message)  # type: ignore[arg-type]
            return self._back(article)
        return review_page.review_response(self, request, article, context)

    def assign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._article_or_404(request, pk)
        if not perms.can_assign(article, request.user):
            raise PermissionDenied("Only an editor can assign reviewers.")
        suggestions = board_member_suggestions_for_article(article)
        proposal = workflow.article_risk_proposal(article)
        form = AssignForm(
            request.POST or None, suggestions=suggestions, initial={"risk": proposal.risk}
        )
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():  # the risk and the assignment land together
                    self._set_risk(request, article, form, proposal)
                    workflow.review_assign(
                        article=article,
                        reviewers=list(form.cleaned_data["reviewers"]),
                        due_at=form.cleaned_data["due_at"],
                        actor=request.user,
                    )
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, "Reviewers assigned.")
                return self._back(article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Assign reviewers: {article}",
            "opts": self.model._meta,
            "article": article,
            "form": form,
            "rows": list(zip(form["reviewers"], suggestions.suggested, strict=True)),
            "needs_pharmacist": settings.REVIEW_PHARMACIST_FOR_LABELS
            and article_cites_label(article),
            "excluded": suggestions.excluded,
            "new_issuers": new_issuer_names(article),
            "risk_proposal": proposal,
        }
        return TemplateResponse(request, "admin/articles/article/assign.html", context)

    def _set_risk(self, request: HttpRequest, article: Article, form: AssignForm, proposal) -> None:
        risk, why = form.cleaned_data["risk"], form.cleaned_data["risk_reason"].strip()
        if not risk or risk == article.risk:
            return
        if not why and risk == proposal.risk:
            why = "proposed by the review rules: " + "; ".join(proposal.reasons)
        workflow.article_set_risk(article=article, risk=risk, actor=request.user, reason=why)

    def workflow_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        article = self._article_or_404(request, pk)
        if request.method != "POST" or action not in {**WORKFLOW_ACTIONS, **REASON_ACTIONS}:
            return self._back(article)
        try:
            if action in REASON_ACTIONS:
                reason = request.POST.get("reason", "")[:5000]
                REASON_ACTIONS[action](article=article, actor=request.user, reason=reason)
            else:
                WORKFLOW_ACTIONS[action](article=article, actor=request.user)
        except ValidationError as exc:
            for msg in _errors(exc):
                messages.error(request, msg)
        else:
            messages.success(request, f"Done: {action.replace('_', ' ')}.")
        return self._back(article)
