"""The canonical text of a chained row on PostgreSQL, per link format (editorial.models.LinkFormat).

A link hashes SHA-256(prev_hash | text), the text in the link's format, which the link records
(`link_format`):

1. `imprimatur_audit_row_text(label, row)` = label | to_jsonb(row)::text: the links of
   migrations 0023 and 0024 (and 0029's object chains) until migration 0038.
2. `imprimatur_audit_row_text_v2(label, row)` = label | row::text: PostgreSQL's composite
   text of the row (record_out: every column in table order, a value quoted where it holds a
   comma, quote, parenthesis, backslash or space, or is empty; NULL as nothing), which
   record_in reads back into the same row, so two rows that differ in any column have
   different texts. The same evidence as format 1 without building a jsonb object per row:
   about half the cost (~0.3 s of a 10,000-article sweep's ~1.2 s of chain).

Each function pins every setting that changes how a column type is printed, so the text
depends on the stored values alone, whatever the session's settings. The chain triggers
(editorial.audit.pg) inline the expression of the format they write under the same settings;
`verify_audit` (editorial.audit.verify) calls the function of each link's format over the
stored row (verify_text_sql). The Python path (SQLite) writes format 1 with its own
canonical JSON (editorial.audit.chain.canonical).
"""

from __future__ import annotations

from editorial.models import LinkFormat

ROW_TEXT = "imprimatur_audit_row_text"

# Format 1, and the settings it is computed under. The function below is what `verify_audit`
# calls; the per-statement trigger inlines the same expression and carries the same settings
# itself (a SQL function with SET clauses is never inlined: called
# once per row it ran as a nested query with two settings changes each time, a quarter to a
# third of the trigger's time on the staleness sweep's 20,000 rows).
ROW_TEXT_EXPR = "{label} || '|' || to_jsonb({row})::text"
ROW_TEXT_SETTINGS = "SET TimeZone TO 'UTC' SET IntervalStyle TO 'postgres'"
ROW_TEXT_SQL = f"""
CREATE OR REPLACE FUNCTION {ROW_TEXT}(label text, r anyelement) RETURNS text
LANGUAGE sql STABLE {ROW_TEXT_SETTINGS} AS $$
  SELECT {ROW_TEXT_EXPR.format(label="label", row="r")}
$$;
"""
# Format 2: every setting that changes a column type's text output is pinned (timestamps,
# dates, intervals, floats, bytea, money), so the text depends on the stored values alone.
ROW_TEXT_V2 = "imprimatur_audit_row_text_v2"
ROW_TEXT_V2_EXPR = "{label} || '|' || ({row})::text"
ROW_TEXT_V2_SETTINGS = (
    "SET TimeZone TO 'UTC' SET DateStyle TO 'ISO, MDY' SET IntervalStyle TO 'postgres'"
    " SET extra_float_digits TO 1 SET bytea_output TO 'hex' SET lc_monetary TO 'C'"
)
ROW_TEXT_V2_SQL = f"""
CREATE OR REPLACE FUNCTION {ROW_TEXT_V2}(label text, r anyelement) RETURNS text
LANGUAGE sql STABLE {ROW_TEXT_V2_SETTINGS} AS $$
  SELECT {ROW_TEXT_V2_EXPR.format(label="label", row="r")}
$$;
"""
# {link format: (expression, settings)} of the text a trigger of that format hashes
ROW_TEXTS = {
    LinkFormat.JSON: (ROW_TEXT_EXPR, ROW_TEXT_SETTINGS),
    LinkFormat.ROW_TEXT: (ROW_TEXT_V2_EXPR, ROW_TEXT_V2_SETTINGS),
}


def verify_text_sql(entries_table: str, table: str, row_id: str) -> str:
    """SQL for the canonical text of each row of `table` in the format of its link (NULL for
    a row with no link, or a link of no known format); parameters: the model label, 3 times.
    Only that format's text is computed (a CASE), so a chain of format 2 never pays for
    format 1's jsonb."""
    return (
        f"CASE (SELECT e.link_format FROM {entries_table} e WHERE e.model_label = %s"
        f" AND e.history_id = {table}.{row_id})"
        f" WHEN {int(LinkFormat.ROW_TEXT)} THEN {ROW_TEXT_V2}(%s, {table})"
        f" WHEN {int(LinkFormat.JSON)} THEN {ROW_TEXT}(%s, {table}) END"
    )
