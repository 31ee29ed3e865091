"""A save and its history row in one statement on PostgreSQL (issue 22).

simple-history writes the history row of a save with a second INSERT, built by a second
`Model.save`: on the write path that is a round trip and the ORM's INSERT machinery per
transition. Here the UPDATE and the history INSERT are one statement,

    WITH saved AS (UPDATE <table> SET <every column> WHERE <pk> [AND <state> = <as read>]
                   RETURNING <the tracked columns>)
    INSERT INTO <history table> (<tracked columns>, history_date, history_change_reason,
                                 history_type, history_user_id)
    SELECT <tracked columns>, <when>, <why>, '~', <who> FROM saved

so the history row copies what the UPDATE wrote, as the database stored it. The SQL is built
once per model and process; a save sends only its values. The audit chain's trigger appends the
row as for any history INSERT; the chain's anchor is asked for as simple-history's signal asks.

It stands in for `Model.save()` only where that is exactly equivalent: an existing row of a
model in `MODELS` (their only save receivers are simple-history's: a test pins it), every field
loaded, no expression values. ConcurrentTransitionMixin's check (the state as read) is in the
WHERE clause; when the UPDATE matches no row the caller saves the usual way, which raises
ConcurrentTransition or inserts exactly as Django would. Elsewhere (SQLite, other models) it
returns False and the caller saves the usual way.
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
_HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type")


@dataclass(frozen=True)
class _Plan:
    sql: str
    fields: tuple[Field, ...]  # the columns SET, in order
    state_fields: tuple[str, ...]  # ConcurrentTransitionMixin's state attnames (WHERE)


_PLANS: dict[type[Model], _Plan | None] = {}


def update_with_history(obj: Model, *, user: User | None, reason: str) -> bool:
    """UPDATE `obj`'s row and INSERT its history row (naming `user` and `reason`) in one
    statement. False when this path does not apply or the UPDATE matched no row: then nothing
    was written and the caller saves the usual way."""
    model = type(obj)
    if model not in MODELS or obj._state.adding or obj.pk is None:
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return False
    if getattr(obj, "skip_history_when_saving", False) or obj.get_deferred_fields():
        return False
    plan = _PLANS.get(model) if model in _PLANS else _PLANS.setdefault(model, _plan(model))
    if plan is None:
        return False
    values = [field.pre_save(obj, False) for field in plan.fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return False
    params: list[Any] = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(plan.fields, values, strict=True)
    ]
    params.append(obj.pk)
    if plan.state_fields:
        initial = obj._ConcurrentTransitionMixin__initial_states  # type: ignore[attr-defined]
        params += [initial[name] for name in plan.state_fields]
    when: datetime = getattr(obj, "_history_date", None) or timezone.now()
    params += [when, reason, user.pk if user is not None else None]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        if cursor.rowcount != 1:
            return False
    obj._state.db = DEFAULT_DB_ALIAS
    if isinstance(obj, ConcurrentTransitionMixin):
        obj._update_initial_state()
    anchor_after_commit()
    return True


def _plan(model: type[Model]) -> _Plan | None:
    """The statement for `model`, or None where its history model has columns this path does
    not write (they would be left empty)."""
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [f.column for f in history.tracked_fields]
    extra = {f.column for f in history._meta.concrete_fields} - set(tracked)
    if extra != {*_HISTORY_FIELDS, "history_user_id"}:
        return None
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key)
    state: tuple[Field, ...] = ()
    if issubclass(model, ConcurrentTransitionMixin):
        state = tuple(f for f in meta.concrete_fields if isinstance(f, FSMFieldMixin))
    keys = (meta.pk, *state)
    where = " AND ".join(f"{qn(str(f.column))} = %s" for f in keys)
    setters = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
    columns = ", ".join(qn(c) for c in tracked)
    hfield = history._meta.get_field

    def cast(name: str) -> str:
        return f"%s::{hfield(name).cast_db_type(connection)}"

    sql = (
        f"WITH saved AS (UPDATE {qn(meta.db_table)} SET {setters} WHERE {where}"
        f" RETURNING {columns})"
        f" INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date,"
        " history_change_reason, history_type, history_user_id)"
        f" SELECT {columns}, {cast('history_date')}, {cast('history_change_reason')}, '~',"
        f" {cast('history_user')} FROM saved"
    )
    return _Plan(sql=sql, fields=fields, state_fields=tuple(f.attname for f in state))
