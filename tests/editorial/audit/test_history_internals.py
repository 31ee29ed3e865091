"""editorial.audit.signals patches two simple-history internals (HistoryManager's
bulk_history_create, to chain bulk rows; HistoryDescriptor.__get__, to build each manager class
once). pyproject pins simple-history to the minor version they were written against; this
test fails when an upgrade changes the code they replace, so someone re-reads the patches."""

from __future__ import annotations

import ast
import hashlib
import importlib
from importlib import metadata
from pathlib import Path

import simple_history.manager

# ast.unparse of each patched function in django-simple-history 3.13.0, hashed
PATCHED = {
    ("HistoryManager", "bulk_history_create"): "45c61601e75e3297",
    ("HistoryDescriptor", "__init__"): "da4cff1621d0b446",
    ("HistoryDescriptor", "__get__"): "44f330afa275f371",
}


def _fingerprints() -> dict[tuple[str, str], str]:
    tree = ast.parse(Path(simple_history.manager.__file__).read_text())
    found = {}
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
            if (cls.name, fn.name) in PATCHED:
                found[(cls.name, fn.name)] = hashlib.sha256(ast.unparse(fn).encode()).hexdigest()[
                    :16
                ]
    return found


def test_simple_history_is_the_minor_version_the_patches_were_written_for():
    assert metadata.version("django-simple-history").startswith("3.13.")


def test_the_internals_the_audit_patches_are_unchanged():
    assert _fingerprints() == PATCHED


# editorial.audit.pg_history writes, in one statement, the history row simple-history's
# post_save writes and applies django-fsm's concurrent-transition check (it reads the mixin's
# private initial states): these are the functions it stands in for, hashed as above
STOOD_IN_FOR = {
    ("simple_history.models", "HistoricalRecords", "post_save"): "7cdaa975e9764879",
    ("simple_history.models", "HistoricalRecords", "create_historical_record"): "16a1c3ab00c25fae",
    ("django_fsm", "ConcurrentTransitionMixin", "_do_update"): "4cd121c99240514b",
    ("django_fsm", "ConcurrentTransitionMixin", "_update_initial_state"): "7f30debb31440840",
}


def _fingerprint(module: str, cls_name: str, fn_name: str) -> str:
    tree = ast.parse(Path(importlib.import_module(module).__file__).read_text())
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls_name):
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == fn_name):
            return hashlib.sha256(ast.unparse(fn).encode()).hexdigest()[:16]
    return "missing"


def test_the_code_the_one_statement_history_save_stands_in_for_is_unchanged():
    found = {key: _fingerprint(*key) for key in STOOD_IN_FOR}
    assert found == STOOD_IN_FOR
