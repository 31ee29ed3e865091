"""Review page benchmark: an assigned reviewer opens an article of 50 sections and 200
citations, with both diffs (against the approved version and the previous round).

    DATABASE_URL=postgres://... .venv/bin/python bench/review_page.py [--sections 50] \
        [--citations 200] [--runs 20]

Runs in a throwaway test database (created and dropped here). Prints the server time (median
and p95 over the runs, Django test client, after one warm-up request) and the queries of one
request. Target (issue 19, PostgreSQL): under 150 ms and at most 15 queries.
The last stdout line is one JSON object of the figures (times in ms).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from articles.models import Article, Citation, Section, Source  # noqa: E402
from editorial import workflow  # noqa: E402
from reviewers.models import BoardMember  # noqa: E402

CHECKLIST = {
    "authorship": True,
    "attribution": True,
    "disclosure": True,
    "currency": True,
    "grade_certainty": "moderate",
}


def user(name: str, group: str | None = None, **extra) -> User:
    u = User.objects.create(username=name, is_staff=True, **extra)
    u.set_password("bench-pw")
    u.save()
    if group:
        u.groups.add(Group.objects.get(name=group))
    return u


def body(i: int, per: int, total: int, variant: str) -> str:
    numbers = range(i * per + 1, min(total, (i + 1) * per) + 1)
    return " ".join(
        f"In trial {n} the {variant} dose lowered major events by {n % 30 + 5}% over five "
        f"years compared with placebo, with few adverse effects [{n}]."
        for n in numbers
    )


def build(sections: int, citations: int) -> tuple[Article, BoardMember]:
    author = user("bench-author", "Authors")
    editor = user("bench-editor", "Editors")
    members = [
        BoardMember.objects.create(user=user(f"bench-md{k}", last_name=f"Md{k}"), credentials="MD")
        for k in range(4)
    ]
    article = Article(title="Statins for primary prevention?", slug="bench-review", author=author)
    article._history_user = author
    article.save()
    per = max(1, citations // sections)
    bulk_create_with_history(
        [
            Section(
                article=article,
                kind="research",
                heading=f"Finding {i + 1}",
                position=i + 1,
                body=body(i, per, citations, "standard"),
            )
            for i in range(sections)
        ],
        Section,
        default_user=author,
    )
    sources = Source.objects.bulk_create(
        Source(
            kind="journal_article",
            title=f"Randomised trial {k}",
            issuer="NEJM",
            doi=f"10.1000/trial{k}",
            pmid=str(10_000_000 + k),
            current_version="2026.1" if k % 10 == 0 else "2025.1",
        )
        for k in range(citations)
    )
    bulk_create_with_history(
        [
            Citation(article=article, number=n, source=s, cited_version="2025.1")
            for n, s in enumerate(sources, start=1)
        ],
        Citation,
        default_user=author,
    )
    # round 1: approved; round 2: revised, changes requested; round 3: revised again
    rounds = [("approved", "standard"), ("changes_requested", "higher"), (None, "lower")]
    for k, (decision, _variant) in enumerate(rounds):
        workflow.article_submit(article=article, actor=author)
        (a,) = workflow.review_assign(article=article, reviewers=[members[k]], actor=editor)
        if decision is None:
            break
        workflow.review_decide(
            assignment=a,
            decision=decision,
            comment="" if decision == "approved" else "Say which dose.",
            checklist=CHECKLIST if decision == "approved" else None,
            actor=members[k].user,
        )
        if decision == "approved":
            workflow.article_start_revision(article=article, actor=author)
        for i, section in enumerate(article.sections.order_by("position")):
            if i % 2 == 0:  # half the sections change each round
                section.body = body(i, per, citations, rounds[k + 1][1])
                section.save()
    article.refresh_from_db()
    return article, members[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=50)
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    logging.getLogger("celery").setLevel(logging.WARNING)
    # No setup_test_environment(): it instruments every template render (a copy of the context
    # per template), which is test machinery, not the server's cost.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = run(args.sections, args.citations, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"review page, {args.sections} sections, {args.citations} citations, both diffs: "
        f"cold (nothing cached) {figures['cold_median_ms']} ms; "
        f"median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"{figures['queries']} queries   (targets: < 150 ms, <= 15 queries)"
    )
    print(json.dumps(figures))
    return 0


def run(sections: int, citations: int, runs: int) -> dict:
    article, reviewer = build(sections, citations)
    client = Client()
    client.force_login(reviewer.user)
    url = f"/admin/articles/article/{article.pk}/change/"
    client.get("/admin/")  # warm up: templates, the session
    cold = []
    for _ in range(max(3, runs // 4)):
        cache.clear()  # nothing cached: diffs and the reader view computed in the request
        start = time.perf_counter()
        first = client.get(url)
        cold.append((time.perf_counter() - start) * 1000)
    assert first.status_code == 200, first.status_code
    page = first.content.decode()
    assert "<del>" in page and "<ins>" in page and "Changes since round 2" in page
    times = []
    for _ in range(runs):  # as every reviewer after the first, and every reload, sees it
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return {
        "db": connection.vendor,
        "sections": sections,
        "citations": citations,
        "cold_median_ms": round(statistics.median(cold), 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(ctx.captured_queries),
        "bytes": len(page),
    }


if __name__ == "__main__":
    sys.exit(main())
