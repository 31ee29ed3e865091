"""axe-core in the browser tests: the one place that injects it and reads its verdict.

axe.min.js comes from the npm package (scripts/ensure_axe.py puts it in tests/axe/node_modules/,
`make test` runs first; this module runs it too when the file is missing). It is evaluated
through Playwright (the DevTools protocol), so the page's production CSP stays on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

BLOCKING = ("critical", "serious")


def axe_source() -> str:
    if not AXE_JS.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "ensure_axe.py")], check=False)
    if not AXE_JS.exists():
        if os.environ.get("IMPRIMATUR_REQUIRE_SERVICES") == "1":
            pytest.fail("axe-core is missing (python scripts/ensure_axe.py)")
        pytest.skip("axe-core is not installed (python scripts/ensure_axe.py)")
    return AXE_JS.read_text()


def axe_violations(page) -> list[dict]:
    """Critical and serious violations on the page as it is now (WCAG 2.x A/AA and best
    practice rules), each with its id, impact and the offending nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe-core ran no rule on the page"
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
