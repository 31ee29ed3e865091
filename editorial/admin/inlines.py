"""An article's sections and citations as admin inlines, editable only while the article is."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from articles.models import Article, Citation, Section
from editorial.admin.forms import CitationInlineForm
from editorial.admin.mixins import InlineMixinBase
from editorial.workflow import permissions as perms


class EditableWithArticleMixin(InlineMixinBase):
    """Inlines are editable only while their article is (draft, changes requested)."""

    def _article_editable(self, request: HttpRequest, obj: Article | None) -> bool:
        return obj is None or (obj.is_editable and perms.can_edit(obj, request.user))

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class SectionInline(EditableWithArticleMixin, admin.StackedInline):
    model = Section
    extra = 0
    fields = ("position", "kind", "heading", "body")
    ordering = ("position", "pk")


class CitationInline(EditableWithArticleMixin, admin.TabularInline):
    model = Citation
    form = CitationInlineForm
    extra = 0
    fields = ("number", "source", "locator", "cited_version")
    autocomplete_fields = ("source",)
    ordering = ("number", "pk")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("source")

    def get_formset(self, request: HttpRequest, obj: Article | None = None, **kwargs):
        # A tabular row has column headings, not labels: name each input for screen readers.
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return formset
