"""The demo is true: the seed article cites the seed page's seven sources, every identifier in
the demo library is valid and canonical, and no two sources share one."""

from __future__ import annotations

from collections import defaultdict

import pytest

from articles.citations import check_article
from articles.identifiers import normalize_identifier
from articles.models import Article
from articles.source_identifiers import IDENTIFIER_FIELDS
from editorial.demo import content
from editorial.demo.seed import seed_demo

DEMO_IDENTIFIERS = [
    (key, field, kind, fields[field])
    for key, fields in content.SOURCES.items()
    for field, kind in IDENTIFIER_FIELDS.items()
    if fields.get(field)
]


@pytest.mark.parametrize(("key", "field", "kind", "value"), DEMO_IDENTIFIERS)
def test_every_demo_identifier_is_valid_and_canonical(key, field, kind, value):
    assert normalize_identifier(kind, value) == value, f"{key}.{field}"


def test_no_two_demo_sources_share_an_identifier():
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, field, kind, value in DEMO_IDENTIFIERS:
        holders[(field, normalize_identifier(kind, value).lower())].append(key)
    shared = {ident: keys for ident, keys in holders.items() if len(keys) > 1}
    assert shared == {}


def test_the_seed_article_cites_the_seed_pages_seven_sources_in_its_order():
    numbers = [number for number, _key, _locator in content.BREAST["citations"]]
    keys = [key for _number, key, _locator in content.BREAST["citations"]]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    assert len(set(keys)) == 7
    kinds = [content.SOURCES[key]["kind"] for key in keys]
    assert kinds[:3] == ["guideline", "drug_label", "drug_label"]  # [1] guideline, [2]-[3] labels
    verzenio = content.SOURCES[keys[1]]
    assert verzenio["title"].startswith("VERZENIO")
    assert verzenio["dailymed_setid"] == "be4bc0de-0fdc-4d46-8d25-be43c79e6a06"  # DailyMed's


@pytest.mark.django_db
def test_the_seeded_demo_article_passes_its_citation_check_without_a_warning():
    seed_demo()
    article = Article.objects.get(slug=content.BREAST["slug"])
    problems = check_article(article)
    assert [(p.severity, p.code) for p in problems] == []
