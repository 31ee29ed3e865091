"""The citation check in the article admin: a panel on every article (errors first) and
"Renumber citations" (a confirmation page and a changelist action) calling the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.citations import Problem, renumber_mapping
from articles.models import Article
from editorial.access.roles import AnyUser, is_editor
from editorial.admin.mixins import AdminMixinBase
from editorial.admin.source_registry import render_findings
from editorial.authoring.citations import citations_renumber
from editorial.staleness.findings import finding_list_for_article
from editorial.workflow import permissions as perms
from editorial.workflow.citation_check import article_citation_problems

PANEL = "citation_check"
RENUMBER_LINK = "renumber_citations_link"


def can_renumber(article: Article, user: AnyUser) -> bool:
    """Whether to offer renumbering; the service checks again."""
    return article.is_editable and perms.can_edit(article, user)


def render_problems(problems: list[Problem]) -> str:
    """The check's result as HTML, errors first (check_article already orders them)."""
    if not problems:
        return format_html("<p>{}</p>", "No problems: every citation checks out.")
    errors = sum(p.is_error for p in problems)
    rows = format_html_join(
        "",
        '<tr><td><strong style="color:{}">{}</strong></td><td><code>{}</code></td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                "var(--error-fg, #ba2121)" if p.is_error else "inherit",
                p.severity,
                p.code,
                p.location,
                p.message,
            )
            for p in problems
        ),
    )
    return format_html(
        "<p>{} error(s), {} warning(s). Errors block submission.</p>"
        '<table style="width:100%"><thead><tr><th>Severity</th><th>Code</th><th>Where</th>'
        "<th>Problem</th></tr></thead><tbody>{}</tbody></table>",
        errors,
        len(problems) - errors,
        rows,
    )


class CitationCheckAdminMixin(AdminMixinBase):
    """Mix into ArticleAdmin before the ModelAdmin class."""

    actions = ["renumber_citations"]

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        fields = (PANEL, RENUMBER_LINK) if can_renumber(obj, request.user) else (PANEL,)
        return [fieldsets[0], ("Citation check", {"fields": fields}), *fieldsets[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if obj is None else (*fields, PANEL, RENUMBER_LINK)

    @admin.display(description="Result")
    def citation_check(self, obj: Article) -> str:
        findings = finding_list_for_article(obj)
        return format_html(
            "{}<h3>What the registries say about the cited sources</h3>{}",
            render_problems(article_citation_problems(obj)),
            render_findings(findings, with_source=True),
        )

    @admin.display(description="Numbering")
    def renumber_citations_link(self, obj: Article) -> str:
        url = reverse("admin:articles_article_renumber_citations", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">Renumber citations…</a> '
            '<span class="help">Numbers citations in order of first use and rewrites the '
            "markers to match.</span>",
            url,
        )

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not is_editor(request.user):
            actions.pop("renumber_citations", None)
        return actions

    @admin.action(description="Renumber citations in order of first use")
    def renumber_citations(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done = 0
        for article in queryset:
            try:
                citations_renumber(article=article, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                messages.error(request, f"{article}: {' '.join(reasons)}")
            else:
                done += 1
        if done:
            messages.success(request, f"Citations renumbered in {done} article(s).")

    def get_urls(self):
        return [
            path(
                "<int:pk>/renumber-citations/",
                self.admin_site.admin_view(self.renumber_citations_view),
                name="articles_article_renumber_citations",
            ),
            *super().get_urls(),
        ]

    def renumber_citations_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        back = HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        if request.method == "POST":
            try:
                citations_renumber(article=article, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "Citations renumbered in order of first use.")
            return back
        if not can_renumber(article, request.user):
            raise PermissionDenied("You cannot renumber this article's citations.")
        sections = list(article.sections.all())
        citations = list(article.citations.select_related("source"))
        mapping = renumber_mapping(sections, citations)
        moves = [
            (old, new, c.source) for c in citations if (old := c.number) != (new := mapping[old])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Renumber citations: {article}",
            "opts": self.model._meta,
            "article": article,
            "moves": sorted(moves, key=lambda m: m[1]),
        }
        return TemplateResponse(request, "admin/articles/article/renumber_citations.html", context)
