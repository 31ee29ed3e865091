"""editorial.audit.signals patches two simple-history internals (HistoryManager's
bulk_history_create, to chain bulk rows; HistoryDescriptor.__get__, to build each manager class
once). pyproject pins simple-history to the minor version they were written against; this
test fails when an upgrade changes the code they replace, so someone re-reads the patches."""

from __future__ import annotations

import ast
import hashlib
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
