"""The house (STYLE.md §1, issue 14): imports run one way, no circles, no oversized modules.

Walks the source with `ast` (nothing is imported), so a back-arrow or a circle hidden behind an
import inside a function is caught too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("articles", "reviewers", "editorial")

# Higher number = higher layer; a module may import only its own layer or lower ones.
# admin/management → authoring, staleness, demo → workflow, reporting → public, notify, audit
# → access, models → reviewers → articles.
LAYERS: dict[str, int] = {
    "editorial": 2,  # the app's package itself (empty); its packages are listed below
    "articles": 0,
    "reviewers": 1,
    "editorial.models": 2,
    "editorial.access": 2,
    "editorial.public": 3,
    "editorial.notify": 3,
    "editorial.audit": 3,
    "editorial.workflow": 4,
    "editorial.reporting": 4,
    "editorial.authoring": 5,
    "editorial.staleness": 5,
    "editorial.demo": 5,
    "editorial.ops": 5,
    "editorial.templatetags": 5,
    "editorial.admin_site": 6,
    "editorial.admin": 6,
    "editorial.management": 6,
    "editorial.apps": 6,
    "editorial.admin_config": 6,
}
# New capability packages register here; an unknown one fails the test below.
OPTIONAL_LAYERS = {
    "editorial.outbox": 2,
    "editorial.webhooks": 3,
    "editorial.feedback": 4,
    "editorial.api": 6,
}
# Imports inside a function that Django requires (the AppConfig runs before models load).
FUNCTION_IMPORTS_ALLOWED = {"editorial.apps"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _prefix(module: str) -> str | None:
    """The longest LAYERS key that `module` is, or lies in."""
    matches = [
        prefix
        for prefix in {**LAYERS, **OPTIONAL_LAYERS}
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches, key=len, default=None)


def _layer(module: str) -> int | None:
    prefix = _prefix(module)
    return None if prefix is None else {**LAYERS, **OPTIONAL_LAYERS}[prefix]


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function) for every import in `path`."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    found.append(
                        (candidate if candidate in MODULES else base, child.lineno, in_function)
                    )
            visit(child, nested)

    visit(tree, False)
    return [(name, line, inner) for name, line, inner in found if name in MODULES]


def test_every_module_belongs_to_a_layer():
    # "editorial" alone covers only the package itself: a new capability package must be placed
    unplaced = [m for m in MODULES if _layer(m) is None or _prefix(m) == "editorial" != m]
    assert unplaced == []


def test_no_module_imports_a_higher_layer():
    back_arrows = [
        f"{module}:{line} imports {target}"
        for module, path in MODULES.items()
        for target, line, _inner in _imports(module, path)
        if (_layer(target) or 0) > (_layer(module) or 0)
    ]
    assert back_arrows == []


def test_imports_sit_at_module_top_unless_django_requires_otherwise():
    inner = [
        f"{module}:{line} imports {target} inside a function"
        for module, path in MODULES.items()
        if module not in FUNCTION_IMPORTS_ALLOWED
        for target, line, is_inner in _imports(module, path)
        if is_inner
    ]
    assert inner == []


def test_there_is_no_import_circle():
    graph = {m: {t for t, _l, _i in _imports(m, p) if t != m} for m, p in MODULES.items()}
    # a package __init__ that re-exports its own submodules is a face, not a circle
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    state: dict[str, int] = {}
    circles = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                walk(target, [*stack, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_stay_small(module):
    text = MODULES[module].read_text()
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{module} is over {MAX_MODULE_LINES} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
