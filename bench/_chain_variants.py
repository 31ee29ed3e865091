"""What the audit chain costs the staleness sweep (bench/staleness.py): the same sweep with the
chain triggers switched off, inside the run's own rolled-back transaction.

Four variants, run in turn with the floor: "chain" (every chain trigger, as in production),
"no_object_chain" (issue 15's object-chain triggers off: sources, source versions, board,
disclosures, specialties, signatures, API records), "no_chain" (every chain trigger off) and
"json_chain" (every chain trigger, writing links of format 1, `to_jsonb(row)::text`, as before
migration 0038: the same run's before and after). The bench connects as the tables' owner,
who may replace the trigger functions and ALTER TABLE ... DISABLE TRIGGER; both run inside
the transaction that is rolled back, so nothing outlives the run. Every variant issues the
same statements (the triggers installed afresh in its format, then ENABLE where it keeps a
trigger: a no-op that takes the same locks and invalidates the same cached plans), outside
the timed part, so the variants differ only in the triggers that fire and what they hash.
"""

from __future__ import annotations

CHAIN_TRIGGER = "imprimatur_audit_chain"
OBJECT_FUNCTION_PREFIX = "imprimatur_audit_objchain_"
VARIANTS = ("chain", "no_object_chain", "no_chain", "json_chain")


def chain_tables(cursor) -> dict[str, bool]:
    """{table: True for an object chain (issue 15), False for an article chain}."""
    cursor.execute(
        "SELECT c.relname, p.proname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = %s ORDER BY c.relname",
        [CHAIN_TRIGGER],
    )
    return {table: fn.startswith(OBJECT_FUNCTION_PREFIX) for table, fn in cursor.fetchall()}


def switch_triggers(connection, cursor, tables: dict[str, bool], variant: str) -> None:
    """Install the variant's chain triggers and disable those it goes without (this
    transaction only)."""
    from editorial.audit.pg import install_chain_triggers, install_object_chain_triggers
    from editorial.models import LinkFormat

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    link_format = LinkFormat.JSON if variant == "json_chain" else LinkFormat.ROW_TEXT
    install_chain_triggers(connection, link_format=link_format)
    install_object_chain_triggers(connection, link_format=link_format)
    for table, is_object in tables.items():
        off = variant == "no_chain" or (variant == "no_object_chain" and is_object)
        cursor.execute(
            f'ALTER TABLE "{table}" {"DISABLE" if off else "ENABLE"} TRIGGER {CHAIN_TRIGGER}'
        )
