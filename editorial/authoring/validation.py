"""Input rules shared by the authoring services and their forms: lengths, required fields,
no script markup, identifier syntax. Errors are {field: sentence} so forms show them in place."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from articles import citations

# Markdown escapes raw HTML anyway; refusing it says so to the author instead of silently
# showing the tag as text.
MARKUP_RE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|link|meta|form)\b|javascript\s*:", re.IGNORECASE
)
# Source field -> the identifier kind of articles.citations.check_identifier.
IDENTIFIER_KINDS = {
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
    "nct_id": "nct",
    "dailymed_setid": "dailymed_setid",
    "isbn": "isbn",
}
# Used only when articles.citations has no check_identifier yet (the citation-validation issue
# provides the full rules behind that name).
_FALLBACK_PATTERNS = {
    "doi": (r"10\.\d{4,9}/\S+", "10.<registrant>/<suffix>, e.g. 10.1056/NEJMoa2034577"),
    "pmid": (r"[1-9]\d{0,8}", "up to 9 digits, e.g. 33296134"),
    "pmcid": (r"PMC\d+", "PMC followed by digits, e.g. PMC7745181"),
    "nct": (r"NCT\d{8}", "NCT followed by 8 digits, e.g. NCT04380636"),
    "dailymed_setid": (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "a UUID, e.g. 5b0e5c6a-8e5f-4f3e-9c1c-2d7f0e6f4a11",
    ),
    "isbn": (r"(97[89])?\d{9}[\dX]", "10 or 13 digits (hyphens allowed)"),
}


def field_label(model: type[models.Model], name: str) -> str:
    label = str(cast(models.Field, model._meta.get_field(name)).verbose_name)
    return label[:1].upper() + label[1:]


def clean_fields(
    model: type[models.Model], values: Mapping[str, Any], *, required: Iterable[str] = ()
) -> dict[str, Any]:
    """Stripped values, or ValidationError({field: sentence}) for empty, too long or script."""
    required = set(required)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        field = cast(models.Field, model._meta.get_field(name))
        value = "" if value is None else str(value)
        if isinstance(field, models.CharField):
            value = value.strip()
        label = field_label(model, name)
        if name in required and not value.strip():
            errors[name] = f"{label} is required."
        elif field.max_length and len(value) > field.max_length:
            errors[name] = (
                f"{label} is {len(value):,} characters long; the limit is {field.max_length:,}."
            )
        elif MARKUP_RE.search(value):
            errors[name] = f"{label} contains a script or HTML tag that is not allowed; remove it."
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def identifier_errors(kind: str, value: str) -> list[str]:
    """Error sentences for one identifier's syntax (warnings are not errors)."""
    check = getattr(citations, "check_identifier", None)
    if check is not None:
        return [p.message for p in check(kind, value) if p.severity == "error"]
    pattern, expected = _FALLBACK_PATTERNS[kind]
    compact = value.replace("-", "") if kind == "isbn" else value
    if not re.fullmatch(pattern, compact, flags=re.IGNORECASE if kind == "doi" else 0):
        return [f"“{value}” is not valid: expected {expected}."]
    return []


def source_identifier_errors(values: Mapping[str, str]) -> dict[str, list[str]]:
    """{field: error sentences} for the source's identifiers and URL."""
    errors: dict[str, list[str]] = {}
    for field, kind in IDENTIFIER_KINDS.items():
        value = values.get(field)
        if value:
            problems = identifier_errors(kind, value)
            if problems:
                errors[field] = problems
    url = values.get("url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = ["Enter a web address starting with http:// or https://."]
    return errors
