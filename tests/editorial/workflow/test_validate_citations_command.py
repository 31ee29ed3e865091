"""validate_citations: prints problems per article; exit 1 on errors, 2 on bad arguments.

manage.py exits with CommandError.returncode, so the tests assert on that attribute."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.editorial.citation_fixtures import article_with
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("validate_citations", *args, stdout=out)
    return out.getvalue()


def test_clean_articles_pass(author):
    ArticleFactory(author=author, slug="clean")
    output = _run("--all")
    assert "clean (draft): OK" in output
    assert "1 article(s) checked: no errors." in output


def test_errors_are_printed_and_the_command_fails_with_exit_1(author):
    article_with(author, ["B [2] then A [1] and [5]."], [1, 2], slug="broken")
    ArticleFactory(author=author, slug="clean")
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("validate_citations", "broken", "clean", stdout=out)
    assert failed.value.returncode == 1
    assert "1 of 2 article(s) have citation errors." in str(failed.value)
    lines = out.getvalue().splitlines()
    assert lines[0] == "broken (draft): 1 error(s), 1 warning(s)"
    assert lines[1].split()[:2] == ["error", "unknown-marker"]
    assert lines[2].split()[:2] == ["warning", "citation-order"]
    assert "clean (draft): OK" in lines


def test_warnings_alone_exit_cleanly(author):
    article_with(author, ["B [2] then A [1]."], [1, 2], slug="unordered")
    assert "1 warning(s)" in _run("unordered")


def test_unknown_slug_is_named_with_exit_2(author):
    ArticleFactory(author=author, slug="clean")
    with pytest.raises(CommandError, match=r"No article with slug: nope, zzz\.") as failed:
        _run("clean", "nope", "zzz")
    assert failed.value.returncode == 2


@pytest.mark.parametrize("args", [(), ("--all", "clean")])
def test_needs_slugs_or_all_but_not_both(args):
    with pytest.raises(CommandError, match="or pass --all") as failed:
        _run(*args)
    assert failed.value.returncode == 2


@pytest.mark.parametrize("articles", [1, 12])
def test_query_count_does_not_grow_with_articles(author, articles, django_assert_max_num_queries):
    for i in range(articles):
        ArticleFactory(author=author, slug=f"a-{i}")
    # 1 articles, 2 their sections, 3 their citations joined with sources
    with django_assert_max_num_queries(3):
        _run("--all")
