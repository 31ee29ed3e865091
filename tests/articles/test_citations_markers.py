"""The marker parser, the marker formatter and renumbering as pure functions (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.citations import check_content, renumber_mapping
from articles.markers import cited_numbers, format_marker, parse_markers, replace_markers
from tests.articles.builders import cite, section, source

PARSED = [
    ("see [1].", [(1,)]),
    ("see [1,2].", [(1, 2)]),
    ("see [1-3].", [(1, 2, 3)]),
    ("see [1, 3\u20135].", [(1, 3, 4, 5)]),
    ("see [ 2 ] and [3\u20144].", [(2,), (3, 4)]),
    ("twice [1][2]", [(1,), (2,)]),
    ("reversed [5-3]", [(5, 3)]),
]
NOT_MARKERS = ["[a]", "[]", "[1,]", "[1-]", "[^1]", "[12345]", "[\u0661]", "[1;2]", "(1)"]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_marker_forms_are_parsed(text, expected):
    assert [m.numbers for m in parse_markers(text)] == expected


@pytest.mark.parametrize("text", NOT_MARKERS)
def test_brackets_that_are_not_citations_are_ignored(text):
    assert list(parse_markers(f"text {text} text")) == []


def test_marker_positions_point_at_the_bracket():
    text = "Alpha [2] beta [1, 3\u20135]."
    assert [(text[m.start : m.end], m.text) for m in parse_markers(text)] == [
        ("[2]", "[2]"),
        ("[1, 3\u20135]", "[1, 3\u20135]"),
    ]


def test_format_marker_compresses_runs_in_the_style_of_the_old_marker():
    assert format_marker([3, 1, 2, 5], like="[1, 2\u20133]") == "[1\u20133, 5]"
    assert format_marker([2, 1], like="[1,2]") == "[1,2]"
    assert format_marker([7]) == "[7]"


@settings(max_examples=300)
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text):
    for marker in parse_markers(text):
        assert text[marker.start : marker.end] == marker.text
        assert marker.numbers


MARKERISH = st.text(alphabet="[]0123456789,-\u2013\u2014 ab\n.", max_size=80)


@settings(max_examples=300)
@given(MARKERISH)
def test_parser_never_raises_on_marker_like_text(text):
    assert isinstance(cited_numbers(text), list)


@given(st.sets(st.integers(min_value=1, max_value=9999), min_size=1, max_size=30))
def test_formatted_marker_parses_back_to_the_same_numbers(numbers):
    (marker,) = parse_markers(format_marker(numbers))
    assert sorted(set(marker.numbers)) == sorted(numbers)


# --- renumbering round trip ------------------------------------------------------------------


@st.composite
def articles(draw):
    """Sections whose markers cite 1..k in any order; every citation cited at least once."""
    k = draw(st.integers(min_value=1, max_value=12))
    numbers = st.integers(min_value=1, max_value=k)
    marker = st.lists(numbers, min_size=1, max_size=4).map(
        lambda ns: "[" + draw(st.sampled_from([",", ", "])).join(map(str, ns)) + "]"
    )
    bodies = draw(
        st.lists(
            st.lists(st.one_of(marker, st.sampled_from(["Text.", "More words", "1-3 days"]))),
            min_size=1,
            max_size=4,
        )
    )
    sections = [section(" ".join(parts)) for parts in bodies]
    sections[-1].body += " " + " ".join(f"[{n}]" for n in range(1, k + 1))
    citations = [cite(n, source()) for n in draw(st.permutations(range(1, k + 1)))]
    return sections, citations


def _apply(sections, citations, mapping):
    for s in sections:
        s.body = replace_markers(s.body, mapping)
    for c in citations:
        c.number = mapping[c.number]


def _marker_sources(sections, citations):
    source_of = {c.number: c.source_id for c in citations}
    return [{source_of[n] for n in m.numbers} for s in sections for m in parse_markers(s.body)]


@settings(max_examples=100)
@given(articles())
def test_renumbering_keeps_every_marker_on_its_source_and_fixes_the_order(article):
    sections, citations = article
    before = _marker_sources(sections, citations)
    _apply(sections, citations, renumber_mapping(sections, citations))
    assert _marker_sources(sections, citations) == before
    assert "citation-order" not in {p.code for p in check_content(sections, citations)}
    assert sorted(c.number for c in citations) == list(range(1, len(citations) + 1))


@settings(max_examples=100)
@given(articles())
def test_renumbering_an_ordered_article_changes_nothing(article):
    sections, citations = article
    _apply(sections, citations, renumber_mapping(sections, citations))
    bodies = [s.body for s in sections]
    mapping = renumber_mapping(sections, citations)
    assert all(old == new for old, new in mapping.items())
    _apply(sections, citations, mapping)
    assert [s.body for s in sections] == bodies


def test_uncited_citations_are_numbered_after_the_cited_ones():
    sections = [section("First [3], then [1].")]
    citations = [cite(1), cite(2), cite(3)]
    assert renumber_mapping(sections, citations) == {3: 1, 1: 2, 2: 3}
