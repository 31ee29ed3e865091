"""Bulk actions on the article list (editors): assign the same reviewers to several submitted
articles, remind pending reviewers, archive with a reason. Each article goes through the
workflow on its own; the result page says, per article, what happened."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from articles.models import Article, Status
from editorial import workflow
from editorial.access.roles import is_editor
from editorial.admin.forms import DueDateField, default_due_on
from editorial.admin.mixins import AdminMixinBase
from editorial.notify import hooks
from reviewers.models import BoardMember

BULK_ACTIONS = ("bulk_assign", "bulk_remind", "bulk_archive")
TEMPLATE = "admin/articles/article/bulk.html"


@dataclass(frozen=True)
class Outcome:
    article: Article
    ok: bool
    detail: str


class BulkAssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=BoardMember.objects.active().select_related("user"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Assigned to every selected article that may have them (conflicts and "
        "authors are refused per article).",
    )
    due_at = DueDateField(required=False, label="Due on")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_at": default_due_on()})
        super().__init__(*args, **kwargs)


class BulkArchiveForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 60}))


def _outcome(article: Article, call, done: str) -> Outcome:
    try:
        call()
    except ValidationError as exc:
        return Outcome(article, False, " ".join(exc.messages))
    except PermissionDenied as exc:
        return Outcome(article, False, str(exc))
    return Outcome(article, True, done)


class BulkActionsAdminMixin(AdminMixinBase):
    """Mix into ArticleAdmin; list BULK_ACTIONS in its `actions`."""

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not is_editor(request.user):
            for name in BULK_ACTIONS:
                actions.pop(name, None)
        return actions

    def _bulk_page(self, request, queryset, action: str, title: str, **context):
        return TemplateResponse(
            request,
            TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "action": action,
                "articles": list(queryset),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    def _done(self, request, queryset, action: str, title: str, outcomes: list[Outcome]):
        ok = sum(o.ok for o in outcomes)
        level = messages.SUCCESS if ok == len(outcomes) else messages.WARNING
        self.message_user(request, f"{title}: {ok} of {len(outcomes)} article(s) done.", level)
        return self._bulk_page(request, queryset, action, title, outcomes=outcomes)

    @admin.action(description="Assign the same reviewers to the selected submitted articles…")
    def bulk_assign(self, request: HttpRequest, queryset: QuerySet[Article]):
        form = BulkAssignForm(request.POST if "apply" in request.POST else None)
        title = "Assign reviewers"
        if not form.is_bound or not form.is_valid():
            return self._bulk_page(request, queryset, "bulk_assign", title, form=form)
        reviewers = list(form.cleaned_data["reviewers"])
        names = ", ".join(str(m) for m in reviewers)
        outcomes = [
            _outcome(
                article,
                lambda article=article: workflow.review_assign(
                    article=article,
                    reviewers=reviewers,
                    due_at=form.cleaned_data["due_at"],
                    actor=request.user,
                ),
                f"assigned {names}",
            )
            for article in queryset.order_by("pk")
        ]
        return self._done(request, queryset, "bulk_assign", title, outcomes)

    @admin.action(description="Remind the pending reviewers of the selected articles")
    def bulk_remind(self, request: HttpRequest, queryset: QuerySet[Article]):
        articles = list(queryset.order_by("pk"))
        outcomes = [
            Outcome(a, True, "reminders sent to its pending reviewers")
            if a.status == Status.UNDER_REVIEW
            else Outcome(a, False, f"not under review ({a.get_status_display().lower()})")
            for a in articles
        ]
        hooks.on_reminders_requested([o.article.pk for o in outcomes if o.ok])
        return self._done(request, queryset, "bulk_remind", "Send reminders", outcomes)

    @admin.action(description="Archive the selected articles (with a reason)…")
    def bulk_archive(self, request: HttpRequest, queryset: QuerySet[Article]):
        form = BulkArchiveForm(request.POST if "apply" in request.POST else None)
        title = "Archive articles"
        if not form.is_bound or not form.is_valid():
            return self._bulk_page(request, queryset, "bulk_archive", title, form=form)
        reason = form.cleaned_data["reason"]
        outcomes = [
            _outcome(
                article,
                lambda article=article: workflow.article_archive(
                    article=article, actor=request.user, reason=reason
                ),
                "archived",
            )
            for article in queryset.order_by("pk")
        ]
        return self._done(request, queryset, "bulk_archive", title, outcomes)
