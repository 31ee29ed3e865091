"""What the audit chain costs the staleness sweep (bench/staleness.py): the same sweep with the
chain triggers switched off, inside the run's own rolled-back transaction.

Three variants, run in turn with the floor: "chain" (every chain trigger, as in production),
"no_object_chain" (issue 15's object-chain triggers off: sources, source versions, board,
disclosures, specialties, signatures, API records) and "no_chain" (every chain trigger off).
The bench connects as the tables' owner, who may ALTER TABLE ... DISABLE TRIGGER; the ALTERs
run inside the transaction that is rolled back, so nothing outlives the run. Every variant
issues the same ALTERs (ENABLE where it keeps a trigger: a no-op that takes the same locks and
invalidates the same cached plans), outside the timed part, so the variants differ only in
the triggers that fire.
"""

from __future__ import annotations

CHAIN_TRIGGER = "imprimatur_audit_chain"
OBJECT_FUNCTION_PREFIX = "imprimatur_audit_objchain_"
VARIANTS = ("chain", "no_object_chain", "no_chain")


def chain_tables(cursor) -> dict[str, bool]:
    """{table: True for an object chain (issue 15), False for an article chain}."""
    cursor.execute(
        "SELECT c.relname, p.proname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = %s ORDER BY c.relname",
        [CHAIN_TRIGGER],
    )
    return {table: fn.startswith(OBJECT_FUNCTION_PREFIX) for table, fn in cursor.fetchall()}


def switch_triggers(cursor, tables: dict[str, bool], variant: str) -> None:
    """Disable the variant's chain triggers (this transaction only) and re-enable the rest."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    for table, is_object in tables.items():
        off = variant == "no_chain" or (variant == "no_object_chain" and is_object)
        cursor.execute(
            f'ALTER TABLE "{table}" {"DISABLE" if off else "ENABLE"} TRIGGER {CHAIN_TRIGGER}'
        )
