"""Every row of the identifier table: the canonical form stored, or the error and its rule."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from articles.citations import check_identifier
from articles.identifiers import KINDS, normalize_identifier
from tests.articles.identifier_table import ROWS, STDNUM_VALID_ROWS, Err


def _id(row: tuple) -> str:
    kind, value, _expected = row
    return f"{kind}:{value!r}"


@pytest.mark.parametrize(("kind", "value", "expected"), ROWS, ids=[_id(r) for r in ROWS])
def test_identifier_is_normalised_or_refused_with_its_rule(kind, value, expected):
    if isinstance(expected, Err):
        with pytest.raises(ValidationError) as caught:
            normalize_identifier(kind, value)
        (message,) = caught.value.messages
        assert (caught.value.code, expected.says in message) == (expected.code, True), message
        # check_identifier reports the same error, with the same code and message
        errors = [p for p in check_identifier(kind, value) if p.is_error]
        assert [(p.code, p.message) for p in errors] == [(expected.code, message)]
    else:
        assert normalize_identifier(kind, value) == expected
        assert normalize_identifier(kind, expected) == expected  # canonical is a fixed point
        assert not [p for p in check_identifier(kind, value) if p.is_error]
        assert expected.isascii()


def test_the_table_covers_a_few_hundred_identifiers_of_every_kind():
    per_kind = Counter(kind for kind, _value, _expected in ROWS)
    assert set(per_kind) == set(KINDS)
    assert len(ROWS) >= 400
    assert len(STDNUM_VALID_ROWS) == 200
    errors = Counter(kind for kind, _v, expected in ROWS if isinstance(expected, Err))
    assert all(errors[kind] >= 7 for kind in KINDS), errors
