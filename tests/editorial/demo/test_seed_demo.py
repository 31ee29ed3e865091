"""seed_demo: a working demo on first login, and idempotent."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from articles.models import Article

pytestmark = pytest.mark.django_db

AUDITED = [
    "articles.Article",
    "articles.Section",
    "articles.Source",
    "articles.Citation",
    "reviewers.Specialty",
    "reviewers.BoardMember",
    "reviewers.ReviewAssignment",
    "auth.User",
]


def table_counts() -> dict[str, int]:
    counts = {}
    for label in AUDITED:
        model = apps.get_model(label)
        counts[label] = model.objects.count()
        if hasattr(model, "history"):
            counts[label + ".history"] = model.history.count()
    return counts


def test_seed_demo_gives_every_role_something_to_do(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "imprimatur-demo" in out and "editor" in out
    statuses = dict(Article.objects.values_list("slug", "status"))
    assert statuses["second-line-hr-positive-her2-low-breast-cancer"] == "approved"
    assert set(statuses.values()) >= {"approved", "draft", "submitted", "under_review"}
    demo = Article.objects.get(slug="second-line-hr-positive-her2-low-breast-cancer")
    assert demo.sections.filter(audience="clinician").count() == 4
    assert demo.sections.filter(audience="patient").count() == 3  # the patient version
    assert demo.citations.count() == 7  # the seed page's seven
    reasons = list(
        demo.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == "drafted" and reasons[-1].startswith("approved by")
    assert "fulvestrant 500 mg" in demo.approved_snapshot["sections"][1]["body"]


def test_seed_demo_twice_leaves_the_same_data():
    call_command("seed_demo")
    first = table_counts()
    call_command("seed_demo")
    assert table_counts() == first


@override_settings(ENVIRONMENT="production")
def test_seed_demo_refuses_production():
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not Article.objects.exists()
