"""Fetch axe-core (MPL-2.0) from the npm registry into tests/.axe/ (gitignored) for the browser
accessibility checks (tests/axe.py). Idempotent: nothing happens when it is already there."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

AXE_VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parents[1] / "tests" / ".axe"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def ensure_axe() -> Path | None:
    """The path of axe.min.js, installing it with npm when missing; None when impossible."""
    if AXE_JS.exists():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        print("note: npm not found; the axe-core checks will skip (apt-get install npm)")
        return None
    ROOT.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(ROOT), "--no-save", "--no-audit", "--no-fund"]
    result = subprocess.run(
        [*command, f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0 or not AXE_JS.exists():
        print(f"note: could not install axe-core: {result.stderr.strip()[-500:]}")
        return None
    return AXE_JS


if __name__ == "__main__":
    sys.exit(0 if ensure_axe() else 1)
