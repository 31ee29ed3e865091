"""API benchmark (issue 18), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/api.py \\
        [--articles 20] [--list-articles 10000] [--duration 10]

1. Drafting: `POST /api/v1/articles` with 10 sections and 20 citations, then
   `POST .../submit`, per article: ms and queries (in-process, Django's test client, no
   network), beside the same article typed through the author UI (new article, 10 "add
   section" and 20 "add citation" posts of the whole editor form, then "submit"). The 20 cited
   sources are in the library already (the API matches them by DOI; the UI picks them), so both
   paths do the same work. Webhook deliveries and notices the writes owe are not timed (a
   worker's cost). Runs in a throwaway test database (created and dropped here).
2. `GET /api/v1/articles` (page of 50, newest first, first pages and cursor pages) under
   --connections concurrent clients against gunicorn with 2 workers: p50/p95 latency, req/s,
   with --list-articles articles in the database.

The last line is one JSON object with the figures (times in ms).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from articles.models import Article, Source  # noqa: E402
from editorial.access.roles import AUTHORS  # noqa: E402
from editorial.api.keys import api_client_ensure, api_key_issue  # noqa: E402

SECTIONS, CITATIONS = 10, 20


def body_text(i: int) -> str:
    cited = " ".join(f"[{n}]" for n in range(2 * i + 1, 2 * i + 3))
    return f"Finding {i}: drug X 10 mg daily improved outcomes in adults {cited}. " * 3


def draft(i: int, sources: list[Source]) -> dict:
    return {
        "title": f"Does drug X help in condition {i}?",
        "summary": "Yes, in adults.",
        "sections": [
            {"kind": "research", "heading": f"Finding {s}", "body": body_text(s)}
            for s in range(SECTIONS)
        ],
        "citations": [
            {
                "number": n + 1,
                "locator": "Table 2",
                "source": {"kind": s.kind, "title": s.title, "issuer": s.issuer, "doi": s.doi},
            }
            for n, s in enumerate(sources)
        ],
    }


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn()
        ms = (time.perf_counter() - start) * 1000
    return ms, len(queries), result


def via_api(i: int, http: Client, key: str, sources: list[Source]) -> tuple[float, int]:
    auth = {"Authorization": f"Bearer {key}"}
    payload = json.dumps(draft(i, sources))
    ms1, q1, created = timed(
        lambda: http.post(
            "/api/v1/articles", payload, content_type="application/json", headers=auth
        )
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    ms2, q2, submitted = timed(lambda: http.post(f"/api/v1/articles/{slug}/submit", headers=auth))
    assert submitted.status_code == 200, submitted.content
    return ms1 + ms2, q1 + q2


def _editor_form(article: Article, action: str, extra: dict, bodies: dict[int, str]) -> dict:
    data = {
        "title": article.title,
        "summary": article.summary,
        "specialty": "",
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
        "action": action,
        **extra,
    }
    for s in article.sections.all():
        data.update({f"s{s.pk}-kind": s.kind, f"s{s.pk}-heading": s.heading})
        data[f"s{s.pk}-body"] = bodies.get(s.position, s.body)
    for c in article.citations.all():
        data.update({f"c{c.pk}-locator": c.locator, f"c{c.pk}-cited_version": c.cited_version})
    return data


def via_ui(i: int, http: Client, sources: list[Source]) -> tuple[float, int]:
    """The author's clicks: each POST carries the whole editor form, as the browser sends it.
    Building the form data (a read the browser does from the page) is not timed."""
    total_ms, total_q = 0.0, 0
    ms, q, response = timed(
        lambda: http.post(
            "/author/articles/new/",
            {"title": f"UI question {i}?", "summary": "Yes.", "risk": "standard"},
        )
    )
    total_ms, total_q = total_ms + ms, total_q + q
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    bodies = {p + 1: body_text(p) for p in range(SECTIONS)}
    steps = [("add-section", {"ns-kind": "research", "ns-heading": f"Finding {s}"}) for s in
             range(SECTIONS)]  # fmt: skip
    steps += [("add-citation", {"nc-source": str(s.pk), "nc-locator": "Table 2"}) for s in sources]
    steps += [("submit", {})]
    for action, extra in steps:
        article = Article.objects.get(pk=pk)
        data = _editor_form(article, action, extra, bodies)
        ms, q, response = timed(partial(http.post, f"/author/articles/{pk}/", data))
        assert response.status_code == 302, response.content[:2000]
        total_ms, total_q = total_ms + ms, total_q + q
    assert Article.objects.get(pk=pk).status == "submitted"
    return total_ms, total_q


def drafting(n: int) -> dict:
    author = User.objects.create_user("bench-author", password="pw-bench-author")
    author.groups.add(Group.objects.get(name=AUTHORS))
    client = api_client_ensure(name="bench", user=author, scopes="drafts:write,articles:read")
    client.rate_limit_per_minute = 1_000_000
    client.save()
    key = api_key_issue(client=client)
    sources = [
        Source.objects.create(
            kind="journal_article", title=f"Trial {n}", issuer="NEJM", doi=f"10.1056/B{n}"
        )
        for n in range(CITATIONS)
    ]
    api_http, ui_http = Client(), Client()
    ui_http.force_login(author)
    via_api(-1, api_http, key, sources)  # warm imports and caches
    api = [via_api(i, api_http, key, sources) for i in range(n)]
    ui = [via_ui(i, ui_http, sources) for i in range(n)]
    return {"api": summary(api), "ui": summary(ui)}


def summary(rows: list[tuple[float, int]]) -> dict:
    times = sorted(ms for ms, _ in rows)
    return {
        "ms_mean": round(statistics.mean(times), 1),
        "ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": round(statistics.mean(q for _, q in rows), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--list-articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL=postgres://... (the benchmark runs on PostgreSQL).")
        return 2
    logging.disable(logging.WARNING)  # eager task logs would bury the figures
    import api_list  # type: ignore[import-not-found]  # bench/ is not a package

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = drafting(args.articles)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for path in ("api", "ui"):
        f = figures[path]
        print(
            f"draft 10 sections + 20 citations, then submit, via {path:>3}: "
            f"{f['ms_mean']} ms mean, {f['ms_p95']} ms p95, {f['queries']} queries per article"
        )
    figures["list"] = api_list.run(args.list_articles, args.duration, args.connections)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
