"""Issue 20 point 8: review intervals by specialty as well as risk; the strictest wins."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.review_intervals import review_interval_days
from tests.factories import ArticleFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

RULES = {"standard": 365, "high": 180, "oncology": 120, "specialty:dermatology": 400}


@override_settings(REVIEW_INTERVAL_DAYS=RULES)
def test_strictest_rule_wins():
    assert review_interval_days("standard", "oncology") == 120
    assert review_interval_days("high", "oncology") == 120
    assert review_interval_days("high", "dermatology") == 180
    assert review_interval_days("standard", "dermatology") == 365
    assert review_interval_days("standard", None) == 365
    assert review_interval_days("high", "cardiology") == 180


@override_settings(REVIEW_INTERVAL_DAYS={"standard": 365, "high": 180, "oncology": 180})
def test_standard_risk_oncology_article_is_due_in_180_days():
    oncology = SpecialtyFactory(name="Oncology", slug="oncology")
    article = ArticleFactory(specialty=oncology, risk="standard", approved=True)
    today = timezone.localdate()
    assert article.next_review_due in {today + timedelta(days=180), today + timedelta(days=181)}
    other = ArticleFactory(risk="standard", approved=True)
    assert other.next_review_due >= today + timedelta(days=365)


@override_settings(REVIEW_INTERVAL_DAYS={"standard": 365, "high": 180, "oncology": 180})
def test_policy_page_lists_specialty_intervals(client):
    SpecialtyFactory(name="Oncology", slug="oncology")
    html = client.get("/editorial-policy/").content.decode()
    assert 'id="specialty-intervals"' in html
    assert "Oncology" in html and "at least every 180 days" in html
    assert "every 365 days" in html
