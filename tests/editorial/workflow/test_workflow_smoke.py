import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_factory_traits_reach_each_state():
    assert ArticleFactory().status == "draft"
    assert ArticleFactory(submitted=True).status == "submitted"
    assert ArticleFactory(under_review=True).status == "under_review"
    assert ArticleFactory(approved=True).status == "approved"
    assert ArticleFactory(stale=True).status == "stale"
