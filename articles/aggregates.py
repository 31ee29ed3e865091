"""Rows of a related table as one JSON value, so a query the caller runs anyway brings them
along instead of one more round trip (the write path: issue 22)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Aggregate, JSONField, Model, QuerySet, Subquery
from django.db.models.functions import JSONObject

M = TypeVar("M", bound=Model)


class JSONArrayAgg(Aggregate):
    """The values of its expression as one JSON array (JSONB_AGG on PostgreSQL,
    JSON_GROUP_ARRAY on SQLite), read back as a list; in no particular order."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_rows(rows: QuerySet[Any], group: str, **fields: str) -> Subquery:
    """`rows` (filtered to one parent, `group` its column) as one JSON array of objects
    {key: field path}, NULL when there are none: a subquery for a query the caller runs anyway,
    so the rows ride along instead of costing a round trip of their own."""
    aggregated = (
        rows.order_by()
        .values(group)
        .annotate(rows=JSONArrayAgg(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(aggregated, output_field=JSONField())


def from_json_rows(
    model: type[M], fields: Sequence[str], rows: list[dict] | None, using: str
) -> list[M]:
    """Instances from what json_rows read (keys = `fields`, the model's attnames in its field
    order), built as the ORM builds them from a row (Model.from_db)."""
    return [model.from_db(using, fields, [row[name] for name in fields]) for row in rows or ()]
