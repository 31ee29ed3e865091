"""Input rules shared by the authoring services and their forms: lengths, required fields,
no script markup, identifiers (normalised by articles.source_identifiers). Errors are
{field: sentence} so forms show them in place."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from articles.source_identifiers import IDENTIFIER_FIELDS, source_identifiers_normalize

# Markdown escapes raw HTML anyway; refusing it says so to the author instead of silently
# showing the tag as text.
MARKUP_RE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|link|meta|form)\b|javascript\s*:", re.IGNORECASE
)
# Source field -> identifier kind (articles.source_identifiers is the one list).
IDENTIFIER_KINDS = IDENTIFIER_FIELDS


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


def source_values_normalize(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The source's values with identifiers in canonical form and what was changed, or
    ValidationError({field: sentences}) for identifiers that break their rule and a bad URL."""
    result = source_identifiers_normalize(values)
    errors = dict(result.errors)
    url = values.get("url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = ["Enter a web address starting with http:// or https://."]
    if errors:
        raise ValidationError(errors)
    return result.values, result.notes
