"""Make sure Debian's chromium is there for the browser tests; install it when we can.

Browser tests drive /usr/bin/chromium through Playwright (never `playwright install`: these
machines are offline). As root with apt, a missing chromium is installed; otherwise a hint is
printed and the browser tests skip locally (CI requires them).
"""

import os
import shutil
import subprocess
import sys
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"note: {CHROMIUM} not found; browser tests will skip (apt-get install chromium)")
        return 0
    print("Installing Debian's chromium for the browser tests...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "env": env, "check": True}
    subprocess.run(["apt-get", "update", "-q"], **quiet)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"], **quiet
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
