"""A save and its history row in one statement on PostgreSQL (issue 22).

simple-history writes the history row of a save with a second INSERT, built by a second
`Model.save`: on the write path that is a round trip and the ORM's INSERT machinery per
save. Here the row's UPDATE (or INSERT) and the history INSERT are one statement,

    WITH saved AS (UPDATE <table> SET <every column> WHERE <pk> [AND <state> = <as read>]
                   RETURNING <the tracked columns>)          -- or INSERT ... RETURNING
    INSERT INTO <history table> (<tracked columns>, history_date, history_change_reason,
                                 history_type, history_user_id)
    SELECT <tracked columns>, <when>, <why>, '~' (or '+'), <who> FROM saved
    [RETURNING id]                                           -- a new row's key

so the history row copies what the statement wrote, as the database stored it. The SQL is
built once per model and process; a save sends only its values. The audit chain's trigger
appends the row as for any history INSERT; the chain's anchor is asked for as simple-history's
signal asks.

It stands in for `Model.save()` only where that is exactly equivalent: a row of a model in
`MODELS` (their only save receivers are simple-history's: a test pins it), existing with every
field loaded or new with its key left to the database, no expression values.
ConcurrentTransitionMixin's check (the state as read) is in the WHERE clause; when the UPDATE
matches no row the caller saves the usual way, which raises ConcurrentTransition or inserts
exactly as Django would. Elsewhere (SQLite, other models) it returns False and the caller
saves the usual way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

from articles.models import Article
from editorial.audit.tasks import anchor_after_commit
from reviewers.models import ReviewAssignment

# the models whose saves take this path: the write path's transitions and decisions
MODELS: tuple[type[Model], ...] = (Article, ReviewAssignment)
# the history model's own columns, each written here (any other would be left empty)
_HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


@dataclass(frozen=True)
class _Plan:
    update_sql: str
    insert_sql: str
    fields: tuple[Field, ...]  # the columns SET or inserted, in order (never the primary key)
    state_fields: tuple[str, ...]  # ConcurrentTransitionMixin's state attnames (WHERE)


_PLANS: dict[type[Model], _Plan | None] = {}


def save_with_history(obj: Model, *, user: User | None, reason: str) -> bool:
    """Save `obj` (UPDATE its row, or INSERT a new one) and INSERT its history row, naming
    `user` and `reason`, in one statement. False when this path does not apply or an UPDATE
    matched no row: then nothing was written and the caller saves the usual way."""
    plan = _applicable(obj)
    if plan is None:
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    adding = obj._state.adding
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    values = [field.pre_save(obj, adding) for field in plan.fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return False
    params: list[Any] = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(plan.fields, values, strict=True)
    ]
    if not adding:
        params.append(obj.pk)
        initial = getattr(obj, "_ConcurrentTransitionMixin__initial_states", {})
        params += [initial[name] for name in plan.state_fields]
    when: datetime = getattr(obj, "_history_date", None) or timezone.now()
    params += [when, reason, user.pk if user is not None else None]
    with connection.cursor() as cursor:
        cursor.execute(plan.insert_sql if adding else plan.update_sql, params)
        if cursor.rowcount != 1:
            return False
        if adding:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    if isinstance(obj, ConcurrentTransitionMixin):
        obj._update_initial_state()
    anchor_after_commit()
    return True


def _applicable(obj: Model) -> _Plan | None:
    model = type(obj)
    if model not in MODELS or (obj.pk is None) != obj._state.adding:
        return None  # a new row with a chosen key is left to Django (UPDATE, then INSERT)
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    if getattr(obj, "skip_history_when_saving", False) or obj.get_deferred_fields():
        return None
    return _PLANS[model] if model in _PLANS else _PLANS.setdefault(model, _plan(model))


def _plan(model: type[Model]) -> _Plan | None:
    """The statements for `model`, or None where its history model has columns this path does
    not write (they would be left empty)."""
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [f.column for f in history.tracked_fields]
    extra = {f.column for f in history._meta.concrete_fields} - set(tracked)
    meta = model._meta
    if extra != _HISTORY_COLUMNS or meta.db_returning_fields != [meta.pk]:
        return None
    fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key)
    state: tuple[Field, ...] = ()
    if issubclass(model, ConcurrentTransitionMixin):
        state = tuple(f for f in meta.concrete_fields if isinstance(f, FSMFieldMixin))
    where = " AND ".join(f"{qn(str(f.column))} = %s" for f in (meta.pk, *state))
    setters = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
    names = ", ".join(qn(str(f.column)) for f in fields)
    columns = ", ".join(qn(c) for c in tracked)
    hfield = history._meta.get_field

    def cast(name: str) -> str:
        return f"%s::{hfield(name).cast_db_type(connection)}"

    def history_insert(kind: str) -> str:
        return (
            f" INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date,"
            " history_change_reason, history_type, history_user_id)"
            f" SELECT {columns}, {cast('history_date')}, {cast('history_change_reason')},"
            f" '{kind}', {cast('history_user')} FROM saved"
        )

    table = qn(meta.db_table)
    return _Plan(
        update_sql=f"WITH saved AS (UPDATE {table} SET {setters} WHERE {where}"
        f" RETURNING {columns})" + history_insert("~"),
        insert_sql=f"WITH saved AS (INSERT INTO {table} ({names}) VALUES"
        f" ({', '.join(['%s'] * len(fields))}) RETURNING {columns})"
        + history_insert("+")
        + f" RETURNING {qn(str(meta.pk.column))}",
        fields=fields,
        state_fields=tuple(f.attname for f in state),
    )
