"""axe-core in the browser tests: inject the npm package's bundle (scripts/ensure_axe.py) into
a Playwright page and list the critical and serious violations.

The bundle is evaluated through the DevTools protocol, which the page's Content-Security-Policy
does not govern, so the page keeps its production policy while it is checked."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text()


def require_axe() -> None:
    """Skip locally when axe-core is not installed; CI (IMPRIMATUR_REQUIRE_SERVICES=1) fails."""
    if AXE_JS.exists():
        return
    message = f"needs axe-core at {AXE_JS} (python scripts/ensure_axe.py)"
    if os.environ.get("IMPRIMATUR_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def axe_problems(page) -> list[str]:
    """'rule (impact): target …' for each critical or serious violation on the page."""
    csp = getattr(page, "csp_violations", [])
    before = len(csp)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    # axe-core sets style attributes on probe elements while it checks; the page itself was
    # loaded (and its own violations recorded) before axe ran
    del csp[before:]
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        f" — {v['help']}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]
