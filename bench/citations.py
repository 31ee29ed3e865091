"""Benchmark: check_article on a 200-citation, 10,000-word article (goal: median <= 20 ms).

Builds the article in memory (no database) with its sections and citations in the prefetch
cache, exactly as check_article sees them after editorial.workflow.citation_check, and times
check_article only. Usage: .venv/bin/python bench/citations.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from articles.citations import check_article  # noqa: E402
from articles.models import Article, Citation, Section, Source  # noqa: E402

CITATIONS = 200
WORDS = 10_000
SECTIONS = ("key_points", "guidelines", "drug_label", "research", "other")


def _source(n: int) -> Source:
    kind = ("drug_label", "guideline", "journal_article", "journal_article")[n % 4]
    fields = {"pk": n, "kind": kind, "title": f"Source {n}", "issuer": "NCCN"}
    if kind == "drug_label":
        fields |= {"dailymed_setid": f"3e1f6c2b-8a7d-4c5e-9b0a-{n:012d}", "current_version": "R1"}
    elif kind == "guideline":
        fields |= {"current_version": "Version 2.2025"}
    else:
        fields |= {"doi": f"10.1056/NEJMoa{1000000 + n}", "pmid": str(20000000 + n)}
    return Source(**fields)


def build_article() -> tuple[Article, int]:
    """An article of WORDS words in 10 sections citing CITATIONS sources in order."""
    article = Article(pk=1, title="Benchmark", slug="benchmark")
    citations = [
        Citation(pk=n, article=article, number=n, source=source, cited_version=version)
        for n in range(1, CITATIONS + 1)
        if (version := (source := _source(n)).current_version) is not None
    ]
    # 12 words + a marker per sentence; every third sentence states a dose.
    sentences_per_section = WORDS // 12 // 10
    sections, n, words = [], 1, 0
    for s in range(10):
        body = []
        for i in range(sentences_per_section):
            marker = f"[{n}]" if i % 2 else f"[{n}, {min(n + 1, CITATIONS)}]"
            dose = "give 150 mg twice daily with" if i % 3 == 0 else "the board reviewed this"
            body.append(f"Patients in the trial {dose} evidence from the cohort study {marker}.")
            words += 12
            n = n % CITATIONS + 1
        kind = SECTIONS[s % len(SECTIONS)]
        sections.append(Section(pk=s + 1, article=article, kind=kind, body=" ".join(body)))
    article._prefetched_objects_cache = {"sections": sections, "citations": citations}
    return article, words


def main(runs: int) -> None:
    article, words = build_article()
    problems = check_article(article)  # warm-up (regex compilation) and sanity check
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        check_article(article)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    print(f"article: {CITATIONS} citations, {words} words, {len(problems)} problems found")
    # CPU time too: on a shared machine the wall clock also measures the neighbours.
    print(
        f"check_article over {runs} runs: median {statistics.median(wall):.2f} ms wall "
        f"(min {min(wall):.2f}, max {max(wall):.2f}), median {statistics.median(cpu):.2f} ms "
        "CPU (goal <= 20 ms)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
