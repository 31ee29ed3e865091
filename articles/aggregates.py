"""Rows of a related table as one JSON value, so a query the caller runs anyway brings them
along instead of one more round trip (the write path: issue 22)."""

from __future__ import annotations

from django.db.models import Aggregate, JSONField


class JSONArrayAgg(Aggregate):
    """The values of its expression as one JSON array (JSONB_AGG on PostgreSQL,
    JSON_GROUP_ARRAY on SQLite), read back as a list; in no particular order."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
