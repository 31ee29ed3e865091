"""The editors' desk on one article: withdraw a pending reviewer, or replace a pending or
declined one with the next suggestion (the decline notice links here). Every write calls
editorial.workflow."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.models import Article
from editorial import workflow
from editorial.access.roles import AnyUser
from editorial.admin.mixins import AdminMixinBase
from editorial.workflow import permissions as perms
from editorial.workflow.quorum import QuorumState, uncovered_roles
from reviewers.models import BoardMember, Decision, ReviewAssignment
from reviewers.selectors import Suggestion, board_member_suggestions_for_article


class ReplaceForm(forms.Form):
    replacement = forms.TypedChoiceField(coerce=int, label="Replace with")
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="Why the pending reviewer is withdrawn (kept in the history).",
    )

    def __init__(self, *args, suggestions: list[Suggestion], needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.member.pk, _label(s)) for s in suggestions]
        cast(forms.ChoiceField, self.fields["replacement"]).choices = choices
        self.fields["reason"].required = needs_reason


def _label(s: Suggestion) -> str:
    extra = [s.role] if s.role != "other" else []
    if s.has_specialty_match:
        extra.append("specialty match")
    extra.append(f"{s.open_load} open review(s)")
    return f"{s.member} — {', '.join(extra)}"


def _role(member: BoardMember) -> str:
    if member.is_physician:
        return "physician"
    return "pharmacist" if member.is_pharmacist else "other"


def next_suggestion(
    user: AnyUser, article: Article, in_round: list[ReviewAssignment], state: QuorumState | None
) -> Suggestion | None:
    """After a decline, offer the best suggestion for a role the round no longer covers."""
    if (
        state is None
        or article.status != "under_review"
        or not perms.can_assign(article, user)
        or not any(a.decision == Decision.DECLINED for a in in_round)
    ):
        return None
    roles = uncovered_roles(state, in_round)
    if not roles:
        return None
    return board_member_suggestions_for_article(article).first_for(roles)


class AssignmentDeskAdminMixin(AdminMixinBase):
    """Mix into ArticleAdmin: the withdraw and replace views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/replace/<int:assignment_pk>/",
                wrap(self.replace_view),
                name="articles_article_replace",
            ),
            path(
                "<int:pk>/withdraw/<int:assignment_pk>/",
                wrap(self.withdraw_view),
                name="articles_article_withdraw",
            ),
            *super().get_urls(),
        ]

    def _desk_assignment(self, request: HttpRequest, pk: int, assignment_pk: int):
        article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
        if not perms.can_assign(article, request.user):
            raise PermissionDenied("Only an editor can withdraw or replace reviewers.")
        assignment = get_object_or_404(
            ReviewAssignment.objects.select_related("reviewer__user"),
            pk=assignment_pk,
            article=article,
        )
        assignment.article = article
        return article, assignment

    def _to_article(self, article: Article) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def withdraw_view(self, request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
        article, assignment = self._desk_assignment(request, pk, assignment_pk)
        if request.method == "POST":
            try:
                workflow.review_withdraw(
                    assignment=assignment,
                    actor=request.user,
                    reason=request.POST.get("reason", "")[:200],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, f"{assignment.reviewer} was withdrawn from the review.")
        return self._to_article(article)

    def replace_view(self, request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
        article, assignment = self._desk_assignment(request, pk, assignment_pk)
        suggestions = board_member_suggestions_for_article(article)
        role = _role(assignment.reviewer)
        # the next suggestion filling the same role comes first: one click replaces like for like
        best = suggestions.first_for([role])
        ordered = ([best] if best else []) + [s for s in suggestions.suggested if s is not best]
        needs_reason = assignment.decision == Decision.PENDING
        form = ReplaceForm(
            request.POST or None,
            suggestions=ordered,
            needs_reason=needs_reason,
            initial={"replacement": best.member.pk if best else None},
        )
        if request.method == "POST" and form.is_valid():
            chosen = next(
                s.member for s in ordered if s.member.pk == form.cleaned_data["replacement"]
            )
            try:
                workflow.review_replace(
                    assignment=assignment,
                    replacement=chosen,
                    actor=request.user,
                    reason=form.cleaned_data["reason"] or "replaced",
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"{assignment.reviewer} replaced by {chosen}.")
                return self._to_article(article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Replace {assignment.reviewer}",
            "opts": self.model._meta,
            "article": article,
            "assignment": assignment,
            "best": best,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/replace.html", context)
