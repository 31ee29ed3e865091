"""Big article in the author editor: what an author does with an article of N sections and N
citations — load the editor, open one section, save it.

    .venv/bin/python bench/big_article.py [--sections 300] [--repeat 5]   # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/big_article.py
    .venv/bin/python bench/big_article.py --quick                        # make bench: 60

Runs in a throwaway test database. Each step is the requests a browser sends: the editor's GET
(sections and citations shown as text, each with "Edit"; also its first load in a fresh
process, templates not compiled and no Markdown cached); "Edit" on one section (a POST that
saves what the page carries, then the GET of the page with that section open); a save of that
section with its text changed (the POST, then the GET it redirects to). A last figure loads an
article at EDITOR_INLINE_MAX_ROWS sections and citations, the biggest one still shown as one
form. Times are the median of --repeat runs: wall ms and process CPU ms (the machine may be
shared: CPU time is the steadier figure; wall time adds the database's work and any waiting).
The last line is JSON. Target (issue 16): 300 sections + 300 citations load in < 1,000 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from articles.models import Article, Citation, Section, Source  # noqa: E402

FIELD = re.compile(r'name="([^"]+)"')


def build(author: User, n: int, slug: str) -> Article:
    article = Article(title="A very long review", slug=slug, author=author)
    article._history_user = author
    article.save()
    sources = Source.objects.bulk_create(
        Source(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/{slug}{k}")
        for k in range(n)
    )
    bulk_create_with_history(
        [
            Section(
                article=article,
                kind="research",
                position=p,
                heading=f"Part {p}",
                body=" ".join([f"Finding {p} is supported [{p}]."] * 8),
            )
            for p in range(1, n + 1)
        ],
        Section,
        default_user=author,
    )
    bulk_create_with_history(
        [Citation(article=article, number=k + 1, source=s) for k, s in enumerate(sources)],
        Citation,
        default_user=author,
    )
    return Article.objects.get(pk=article.pk)


def page_fields(pk: int, html: str) -> dict[str, str]:
    """What the page's form posts with nothing changed: the question and any open row."""
    article = Article.objects.get(pk=pk)
    data = {
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        "specialty": "",
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
        "ns-kind": "other",
        "ns-heading": "",
        "nc-locator": "",
    }
    for section in article.sections.all():
        if f'name="s{section.pk}-body"' in html:
            data |= {f"s{section.pk}-{k}": getattr(section, k) for k in ("kind", "heading", "body")}
    return data


def timed(fn: Callable, repeat: int, prepare: Callable = dict) -> dict:
    """Median wall ms, median process CPU ms and the queries of `repeat` runs of
    fn(prepare()); what prepare does (the bench's own reads) is not measured."""
    walls, cpus, queries, result = [], [], 0, None
    for _ in range(repeat):
        arg = prepare()
        with CaptureQueriesContext(connection) as ctx:
            start, cpu = time.perf_counter(), time.process_time()
            result = fn(arg)
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries = len(ctx.captured_queries)
    return {
        "ms": round(statistics.median(walls), 1),
        "cpu_ms": round(statistics.median(cpus), 1),
        "queries": queries,
        "result": result,
    }


def run(n: int, repeat: int) -> dict:
    author = User.objects.create(username="bench-author", email="a@example.org")
    author.groups.add(Group.objects.get(name="Authors"))
    article = build(author, n, "big")
    client = Client()
    client.force_login(author)
    url = f"/author/articles/{article.pk}/"
    section = article.sections.order_by("position")[n // 2]
    # the first load of a fresh process: templates compiled, no section's Markdown cached yet
    first = timed(lambda _: client.get(url), 1)
    load = timed(lambda _: client.get(url), repeat)
    page = load["result"].content.decode()

    def open_section(data: dict):
        posted = client.post(url, data | {"action": f"edit-section:{section.pk}"})
        assert posted.status_code == 302, posted.status_code
        return client.get(posted["Location"])

    opened = timed(open_section, repeat, lambda: page_fields(article.pk, page))
    open_page = opened["result"].content.decode()
    assert f'name="s{section.pk}-body"' in open_page
    edits = iter(range(repeat))

    def edited() -> dict:
        data = page_fields(article.pk, open_page) | {"action": "save"}
        data[f"s{section.pk}-body"] += f" Updated after the 2026 guideline [1] ({next(edits)})."
        return data

    saved = timed(lambda data: client.post(url, data), repeat, edited)
    assert saved["result"].status_code == 302, saved["result"].status_code
    after = timed(lambda _: client.get(saved["result"]["Location"]), repeat)
    section.refresh_from_db()
    assert section.body.endswith(f"({repeat - 1}).")

    limit = settings.EDITOR_INLINE_MAX_ROWS
    inline_url = f"/author/articles/{build(author, limit, 'inline').pk}/"
    client.get(inline_url)
    inline = timed(lambda _: client.get(inline_url), repeat)
    inline_fields = len(set(FIELD.findall(inline["result"].content.decode())))
    return report(n, (first, load), page, opened, saved, after, (limit, inline, inline_fields))


def report(n, loads, page, opened, saved, after, inline) -> dict:
    first, load = loads
    limit, inline_load, inline_fields = inline
    fields = len(set(FIELD.findall(page)))
    print(f"database: {connection.vendor}; {n} sections, {n} citations")
    for label, step, extra in (
        ("first GET", first, "a fresh process"),
        ("editor GET", load, f"{fields} form fields"),
        ("open (Edit)", opened, "POST + GET"),
        ("save section", saved, f"POST, status {saved['result'].status_code}"),
        ("after save", after, "GET"),
        (f"{limit}+{limit} inline", inline_load, f"GET, {inline_fields} form fields"),
    ):
        print(
            f"{label:14s} {step['ms']:8.1f} ms ({step['cpu_ms']:6.1f} ms CPU) "
            f"{step['queries']:4d} queries, {extra}"
        )
    figures = {"database": connection.vendor, "sections": n, "citations": n}
    steps = (("first_load", first), ("load", load), ("open", opened), ("save", saved))
    for key, step in (*steps, ("after_save", after)):
        figures |= {f"{key}_ms": step["ms"], f"{key}_cpu_ms": step["cpu_ms"]}
        figures[f"{key}_queries"] = step["queries"]
    figures |= {
        "form_fields": fields,
        "save_status": saved["result"].status_code,
        "inline_max_rows": limit,
        "inline_load_ms": inline_load["ms"],
        "inline_load_cpu_ms": inline_load["cpu_ms"],
        "inline_form_fields": inline_fields,
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5, help="runs per step (median)")
    parser.add_argument("--quick", action="store_true", help="make bench: 60 sections, 3 runs")
    args = parser.parse_args()
    sections, repeat = (60, 3) if args.quick else (args.sections, args.repeat)
    logging.disable(logging.WARNING)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(sections, repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
