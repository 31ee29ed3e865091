"""seed_demo: a working demo on first login, and idempotent."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from articles.models import Article
from editorial.demo.content import USERS

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


@pytest.mark.django_db(transaction=True)
def test_make_run_prints_the_logins_last_and_the_demo_mail_goes_to_a_file(
    capsys, settings, tmp_path, monkeypatch
):
    """As `make run` (console mail, eager tasks, commits): the notices the demo's workflow
    sends are written to files, not between the user and the logins."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setattr(
        "editorial.management.commands.seed_demo.DEMO_MAIL_DIR", tmp_path / "demo-mail"
    )

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "Subject:" not in out
    written = list((tmp_path / "demo-mail").iterdir())
    assert written and f"sent {len(written)} email(s)" in out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[-1].startswith("Open http://127.0.0.1:8000/")
    assert "Demo logins" in lines[-2 - len(USERS)]
