"""Benchmark: check_article on a 200-citation, 10,000-word article (goal: median <= 20 ms),
identifier normalisation included.

Builds the article in memory (no database) with its sections and citations in the prefetch
cache, exactly as check_article sees them after editorial.workflow.citation_check, and times
check_article (which normalises every identifier of every cited source); every fifth source
holds its identifiers as pasted (URLs, Unicode dashes, full-width digits, ISBN-10), the
slow path of the normalisation. Also times normalize_identifier over all those identifiers
alone (what saving the 200 sources costs). The last line printed is one JSON object.
Usage: .venv/bin/python bench/citations.py [RUNS]      (--quick: 10 runs, for make bench)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from stdnum import ean  # noqa: E402
from stdnum import isbn as stdnum_isbn  # noqa: E402

from articles.citations import check_article  # noqa: E402
from articles.identifiers import _normalized, normalize_identifier  # noqa: E402
from articles.models import Article, Citation, Section, Source  # noqa: E402
from articles.source_rules import IDENTIFIER_FIELDS  # noqa: E402

CITATIONS = 200
WORDS = 10_000
SECTIONS = ("key_points", "guidelines", "drug_label", "research", "other")


def _pasted(fields: dict[str, object]) -> dict[str, object]:
    """The same identifiers as a person pastes them."""
    wrappers = {
        "doi": "https://doi.org/{}",
        "pmid": "PMID: 00{}",
        "pmcid": "pmc{}",
        "nct_id": "https://clinicaltrials.gov/study/{}",
        "dailymed_setid": "{}",
        "isbn": "ISBN-10: {}",
    }
    pasted = dict(fields)
    for name, form in wrappers.items():
        if name in fields:
            value = str(fields[name]).removeprefix("PMC")
            pasted[name] = form.format(value).replace("-", "\u2010").translate(_FULLWIDTH)
    return pasted


_FULLWIDTH = str.maketrans("0123", "\uff10\uff11\uff12\uff13")


def _source(n: int) -> Source:
    kind = ("drug_label", "guideline", "journal_article", "clinical_trial", "book")[n % 5]
    fields: dict[str, object] = {"pk": n, "kind": kind, "title": f"Source {n}", "issuer": "NCCN"}
    if kind == "drug_label":
        fields |= {"dailymed_setid": f"3e1f6c2b-8a7d-4c5e-9b0a-{n:012d}", "current_version": "R1"}
    elif kind == "guideline":
        fields |= {"current_version": "Version 2.2025"}
    elif kind == "journal_article":
        fields |= {"doi": f"10.1056/NEJMoa{1000000 + n}", "pmid": str(20000000 + n)}
        fields |= {"pmcid": f"PMC{4000000 + n}"}
    elif kind == "clinical_trial":
        fields |= {"nct_id": f"NCT{n:08d}"}
    else:
        core = f"9780306{n:05d}"
        fields |= {"isbn": stdnum_isbn.to_isbn10(core + ean.calc_check_digit(core))}
    return Source(**(_pasted(fields) if n % 5 == 0 or n % 7 == 0 else fields))


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


def _median_ms(function, runs: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def _cold(function, argument) -> None:
    """Run with normalize_identifier's cache emptied: every run pays the normalisation."""
    _normalized.cache_clear()
    function(argument)


def _normalize_all(sources: list[Source]) -> int:
    count = 0
    for source in sources:
        for field, kind in IDENTIFIER_FIELDS:
            value = getattr(source, field)
            if value:
                normalize_identifier(kind, value)
                count += 1
    return count


def main(runs: int) -> None:
    article, words = build_article()
    problems = check_article(article)  # warm-up (regex compilation) and sanity check
    errors = [p for p in problems if p.is_error]
    assert not errors, errors[:3]
    sources = [c.source for c in article.citations.all()]
    identifiers = _normalize_all(sources)
    wall, cpu = _median_ms(lambda: _cold(check_article, article), runs)
    norm_wall, _cpu = _median_ms(lambda: _cold(_normalize_all, sources), runs)
    print(
        f"article: {CITATIONS} citations, {words} words, {identifiers} identifiers, "
        f"{len(problems)} problems found (warnings for the pasted forms)"
    )
    # CPU time too: on a shared machine the wall clock also measures the neighbours.
    print(
        f"check_article over {runs} runs: median {statistics.median(wall):.2f} ms wall "
        f"(min {min(wall):.2f}, max {max(wall):.2f}), median {statistics.median(cpu):.2f} ms "
        "CPU (goal <= 20 ms)"
    )
    print(f"normalize_identifier x {identifiers}: median {statistics.median(norm_wall):.2f} ms")
    figures = {
        "citations": CITATIONS,
        "words": words,
        "identifiers": identifiers,
        "check_article_median_ms": round(statistics.median(wall), 2),
        "check_article_cpu_median_ms": round(statistics.median(cpu), 2),
        "check_article_max_ms": round(max(wall), 2),
        "normalize_all_median_ms": round(statistics.median(norm_wall), 2),
        "goal_ms": 20,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=50)
    parser.add_argument("--quick", action="store_true", help="make bench: 10 runs")
    args = parser.parse_args()
    main(10 if args.quick else args.runs)
