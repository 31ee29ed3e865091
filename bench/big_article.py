"""Big article in the author editor: load and save an article of N sections and N citations.

    .venv/bin/python bench/big_article.py [--sections 300]       # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/big_article.py

Runs in a throwaway test database. Prints the editor's GET (ms, queries, fields in the form)
and a save of the whole page with one section edited (ms, status, fields posted); the last
line is JSON.
Target (issue 16): 300 sections + 300 citations load in < 1,000 ms and save.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from articles.models import Article, Citation, Section, Source  # noqa: E402

FIELD = re.compile(r'name="([^"]+)"')


def build(n: int) -> tuple[User, Article]:
    author = User.objects.create(username="bench-author", email="a@example.org")
    author.groups.add(Group.objects.get(name="Authors"))
    article = Article(title="A very long review", slug="big", author=author)
    article._history_user = author
    article.save()
    sources = Source.objects.bulk_create(
        Source(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/big{k}") for k in range(n)
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
    return author, Article.objects.get(pk=article.pk)


def form_data(article: Article) -> dict[str, str]:
    data = {
        "title": article.title,
        "summary": article.summary,
        "specialty": "",
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
        "action": "save",
    }
    for s in article.sections.all():
        data |= {f"s{s.pk}-kind": s.kind, f"s{s.pk}-heading": s.heading, f"s{s.pk}-body": s.body}
    for c in article.citations.all():
        data |= {f"c{c.pk}-locator": c.locator, f"c{c.pk}-cited_version": c.cited_version}
    # an author's save: one section edited, the rest of the page posted as it was
    first = article.sections.first()
    assert first is not None
    data[f"s{first.pk}-body"] += " Updated after the 2026 guideline [1]."
    return data


def timed(fn):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - start) * 1000
    return result, elapsed, len(ctx.captured_queries)


def run(n: int) -> dict:
    author, article = build(n)
    client = Client()
    client.force_login(author)
    url = f"/author/articles/{article.pk}/"
    client.get(url)  # warm up: templates, session
    page, load_ms, load_queries = timed(lambda: client.get(url))
    assert page.status_code == 200, page.status_code
    data = form_data(article)
    saved, save_ms, save_queries = timed(lambda: client.post(url, data))
    fields = len(set(FIELD.findall(page.content.decode())))
    print(f"database: {connection.vendor}; {n} sections, {n} citations")
    print(f"editor GET   {load_ms:8.1f} ms {load_queries:5d} queries, {fields} form fields")
    print(f"save (POST)  {save_ms:8.1f} ms {save_queries:5d} queries, status {saved.status_code}")
    return {
        "database": connection.vendor,
        "sections": n,
        "citations": n,
        "load_ms": round(load_ms, 1),
        "load_queries": load_queries,
        "form_fields": fields,
        "save_ms": round(save_ms, 1),
        "save_queries": save_queries,
        "save_status": saved.status_code,
        "fields_posted": len(data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(args.sections)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
