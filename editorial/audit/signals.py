"""The application side of the audit trail: chain every history row, refuse to rewrite one.

- simple-history's per-row signal appends the row to its article's hash chain, in the same
  transaction as the history insert. On PostgreSQL a trigger does it inside the database
  (editorial.audit.pg) and the signal does nothing: SQLite (embedded mode) uses this path.
- simple-history 3.13 has no signal for bulk history writes (`bulk_history_create`, used by
  `bulk_create_with_history`): `connect()` wraps that one method to send
  `post_bulk_history_create`, so bulk writers are chained too.
- Saving an existing history row or deleting one through the ORM raises: the same rule the
  PostgreSQL triggers enforce, for SQLite. (`QuerySet.update()` sends no signal: only the
  triggers stop it, hence "the database-level guarantee needs PostgreSQL".)
"""

from __future__ import annotations

from typing import Any

import django.dispatch
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, ProtectedError
from django.db.models.signals import post_migrate, pre_delete, pre_save
from simple_history.manager import HistoryDescriptor, HistoryManager
from simple_history.signals import post_create_historical_record

from articles.models import Article
from editorial.audit.chain import audit_append, audit_append_bulk, history_models
from editorial.audit.db import on_post_migrate
from editorial.audit.pg import is_chained_in_database
from editorial.models import AuditEntry

# Arguments: "sender" (the history model), "rows" (the created history rows)
post_bulk_history_create = django.dispatch.Signal()


class HistoryIsAppendOnly(PermissionDenied):
    """Raised when code tries to change or delete an audit history row."""


def _chained_in_database(row: Any) -> bool:
    # PostgreSQL appends the link itself (editorial.audit.pg trigger): no round trip here.
    return is_chained_in_database(connections[row._state.db or DEFAULT_DB_ALIAS])


def _chain_row(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    if not _chained_in_database(history_instance):
        audit_append(history_instance)


def _chain_rows(sender: Any, rows: list, **kwargs: Any) -> None:
    if rows and not _chained_in_database(rows[0]):
        audit_append_bulk(rows, fresh=True)


def _refuse_update(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not instance._state.adding:
        raise HistoryIsAppendOnly(
            f"audit history is append-only: UPDATE on {sender._meta.db_table} refused"
        )


def _refuse_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    raise HistoryIsAppendOnly(
        f"audit history is append-only: DELETE on {sender._meta.db_table} refused"
    )


def _refuse_submitted_article_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Retention: once submitted an article is evidence; archive it instead (the admin hides
    # the button, this refuses every other path: shell, scripts, cascades).
    if instance.status != "draft" or instance.review_round > 0:
        raise ProtectedError(
            f"“{instance}” was submitted for review and cannot be deleted; archive it instead.",
            {instance},
        )


def _wrap_bulk_history_create() -> None:
    original = HistoryManager.bulk_history_create
    if getattr(original, "_imprimatur_audit", False):
        return

    def bulk_history_create(self: HistoryManager, objs: Any, *args: Any, **kwargs: Any) -> Any:
        rows = original(self, objs, *args, **kwargs)
        if rows:
            post_bulk_history_create.send(sender=self.model, rows=rows)
        return rows

    bulk_history_create._imprimatur_audit = True  # type: ignore[attr-defined]
    HistoryManager.bulk_history_create = bulk_history_create


def _cache_history_manager_classes() -> None:
    # simple-history 3.13 builds a new manager class (`from_queryset`, which inspects every
    # queryset method) on each `Model.history` access: ~8 times per workflow operation.
    # The class depends only on the descriptor, so build it once per descriptor.
    if getattr(HistoryDescriptor.__get__, "_imprimatur_cached", False):
        return

    def __get__(self: HistoryDescriptor, instance: Any, owner: Any) -> Any:
        manager_class = self.__dict__.get("_imprimatur_manager_class")
        if manager_class is None:
            manager_class = self.manager_class.from_queryset(self.queryset_class)
            self._imprimatur_manager_class = manager_class
        return manager_class(self.model, instance)

    __get__._imprimatur_cached = True  # type: ignore[attr-defined]
    HistoryDescriptor.__get__ = __get__


def connect() -> None:
    """Called from EditorialConfig.ready()."""
    post_create_historical_record.connect(_chain_row, dispatch_uid="imprimatur_audit_chain")
    post_bulk_history_create.connect(_chain_rows, dispatch_uid="imprimatur_audit_chain_bulk")
    _wrap_bulk_history_create()
    _cache_history_manager_classes()
    append_only: tuple[type[Model], ...] = (*history_models(), AuditEntry)
    for model in append_only:
        uid = f"imprimatur_append_only_{model._meta.label_lower}"
        pre_save.connect(_refuse_update, sender=model, dispatch_uid=uid)
        pre_delete.connect(_refuse_delete, sender=model, dispatch_uid=uid)
    pre_delete.connect(
        _refuse_submitted_article_delete, sender=Article, dispatch_uid="imprimatur_retention"
    )
    post_migrate.connect(on_post_migrate, dispatch_uid="imprimatur_audit_triggers")
