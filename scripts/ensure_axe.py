"""Install axe-core (the npm package pinned in tests/axe/package-lock.json) for the
accessibility browser tests, into tests/axe/node_modules (gitignored).

Why npm and not a vendored copy: the lockfile pins the exact version and its integrity hash, the
500 KB bundle stays out of git, and upgrading is `npm install axe-core@X` in tests/axe. Without
npm (or offline) a hint is printed and the accessibility tests skip locally (CI requires them).
"""

import shutil
import subprocess
import sys
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parents[1] / "tests" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def main() -> int:
    if AXE_JS.exists():
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print(f"note: npm not found; {AXE_JS} missing, the accessibility tests will skip")
        return 0
    print("Installing axe-core for the accessibility tests...", flush=True)
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=AXE_DIR,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        print("note: npm ci failed; the accessibility tests will skip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
