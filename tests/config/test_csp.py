"""The Content-Security-Policy (own origin, no inline script or style) holds everywhere.

Production enforces it, so a template with an inline style or script is a broken page there:
the policy is the same in every settings module and the templates are checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts)


def test_there_are_templates_to_check():
    assert len(_templates()) > 10


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_use_no_inline_style_or_script(path: Path):
    text = path.read_text()
    problems = []
    if INLINE_STYLE.search(text):
        problems.append('a style="" attribute')
    if STYLE_ELEMENT.search(text):
        problems.append("a <style> element")
    if EVENT_HANDLER.search(text):
        problems.append("an inline event handler (onclick=...)")
    for attrs in SCRIPT_TAG.findall(text):
        # JSON-LD is data, not script: the policy does not apply to it.
        if "src=" not in attrs and "application/ld+json" not in attrs:
            problems.append("an inline <script>")
    assert not problems, f"{path.name} has {', '.join(problems)}: the CSP blocks it"


def test_every_page_carries_the_policy(client, db):
    response = client.get("/editorial-policy/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
