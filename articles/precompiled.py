"""Querysets of a fixed shape compiled to SQL once per database connection and run again with
new values: the write path's hot reads (issue 22), where building and compiling the ORM
expression tree cost more than PostgreSQL's work on the statement.

A `Precompiled` wraps a function that builds the queryset from its values. The first run on
a connection builds it with marker values, compiles it, and remembers the SQL, where each
marker landed among the parameters and the compiler (which knows how to turn a row into the
model instance, its select_related objects and its annotations). Later runs substitute the
values and read the rows into instances exactly as the ORM's own iterable does
(Model.from_db, the compiler's converters). The built queryset must not change shape with the
values; what does (the length of an IN list) goes in `shape`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)
Value = int | date

# Marker values, one per position: integers in range of every integer field (Django turns a
# lookup on a value out of its field's range into "no rows" without SQL) and dates. Each shape
# is compiled twice, with two sets, so a constant of the query that happens to equal a marker,
# or SQL that changes with the values, is caught instead of being run with the wrong values.
_MARKS = ((30011, date(1901, 1, 1)), (30517, date(1903, 7, 1)))
_CACHE_ATTRIBUTE = "_imprimatur_precompiled"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # (parameter index, value index, how the value is sent: as is, or wrapped in this type -
    # `str` for SQLite's dates, psycopg's Int2/Int4 for PostgreSQL's smaller integer fields)
    slots: tuple[tuple[int, int, type | None], ...]
    compiler: SQLCompiler
    for_update: bool


class Precompiled(Generic[M]):
    """`build(*values)` -> a queryset of model instances; `run(*values)` its rows as instances
    (a list), compiled once per connection and shape. Every value is an int (a primary key, a
    round) or a date (what is current "today") that reaches the SQL as parameters, unchanged
    (or as its text, as SQLite is sent dates); nothing else in the built queryset may vary
    between runs (no "now" or "today" that is not one of the values)."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]]) -> None:
        self.model = model
        self.build = build

    def run(self, *values: Value, shape: Hashable = None) -> list[M]:
        db = router.db_for_read(self.model)
        connection = connections[db]
        kinds = tuple(isinstance(value, date) for value in values)
        cache: dict[Hashable, _Compiled] = connection.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        key = (id(self), kinds, shape)
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(kinds, db)
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for at, index, wrap in compiled.slots:
            params[at] = values[index] if wrap is None else wrap(values[index])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return _instances(compiled.compiler, rows, db)

    def _compile(self, kinds: tuple[bool, ...], db: str) -> _Compiled:
        first, second = (self._attempt(marks, kinds, db) for marks in _MARKS)
        if (first.sql, first.slots) != (second.sql, second.slots):
            raise ValueError(
                f"{self.build.__qualname__}: the SQL changes with the values (pass what"
                " changes it in `shape`) or a constant equals a marker"
            )
        missing = set(range(len(kinds))) - {index for _, index, _ in first.slots}
        if missing:
            raise ValueError(
                f"{self.build.__qualname__}: values {sorted(missing)} do not reach the SQL"
            )
        return first

    def _attempt(self, marks: tuple[int, date], kinds: tuple[bool, ...], db: str) -> _Compiled:
        number, day = marks
        values: list[Value] = [
            day + timedelta(days=i) if is_date else number + 7 * i
            for i, is_date in enumerate(kinds)
        ]
        queryset = self.build(*values)
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        slots = tuple(_slots(params, values))
        return _Compiled(sql, tuple(params), slots, compiler, queryset.query.select_for_update)


def _slots(params: Sequence[Any], values: list[Value]) -> Iterator[tuple[int, int, type | None]]:
    """Where each marker landed: (parameter index, value index, the type it was wrapped in)."""
    for at, param in enumerate(params):
        for index, value in enumerate(values):
            if type(param) is type(value) and param == value:
                yield at, index, None
            elif isinstance(value, date) and isinstance(param, str) and param == str(value):
                yield at, index, str
            elif (
                isinstance(value, int)
                and isinstance(param, int)
                and not isinstance(param, bool)
                and int(param) == value
            ):
                yield at, index, type(param)


def _instances(compiler: SQLCompiler, rows: list[Any], db: str) -> list[Any]:
    """The rows as the ORM's ModelIterable builds them: the model's fields, its select_related
    objects, its annotations (after the compiler's converters)."""
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None  # a model query's compiler always has one
    annotation_col_map = compiler.annotation_col_map or {}
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    # Django 5.2's signature (the stubs describe a later one, with fetch_mode)
    populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
    instances = []
    for row in compiler.results_iter([rows]):
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotation_col_map.items():
            setattr(obj, name, row[position])
        instances.append(obj)
    return instances
