"""Sources in the admin: read-only history, registry verification, retraction shown only where
it is true."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from articles.models import Source
from editorial.admin.history import ReadOnlyHistoryAdmin
from editorial.admin.source_registry import SourceRegistryAdminMixin


@admin.register(Source)
class SourceAdmin(SourceRegistryAdminMixin, ReadOnlyHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title",
        "kind",
        "issuer",
        "current_version",
        "version_date",
        "retracted_mark",
    )
    list_filter = ("kind", "retracted")
    search_fields = ("title", "issuer", "doi", "pmid", "nct_id", "dailymed_setid")

    @admin.display(description="Retracted", ordering="retracted")
    def retracted_mark(self, source: Source) -> str:
        # a mark only where it means something: a column of red crosses read as "all retracted"
        return "Retracted" if source.retracted else ""
