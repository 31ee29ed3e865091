"""Issue 20 point 4: editors own the level of review; a DailyMed set id means a drug label."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Source
from editorial import workflow
from editorial.authoring import services as authoring
from tests.board import article_with, member
from tests.factories import ArticleFactory, SourceFactory, author_user, editor_user

pytestmark = pytest.mark.django_db

SETID = "5b0e5c6a-8e5f-4f3e-9c1c-2d7f0e6f4a11"


def test_author_cannot_change_risk_after_submit():
    article = ArticleFactory(risk="high", submitted=True)
    with pytest.raises(PermissionDenied, match="only an editor"):
        workflow.article_set_risk(
            article=article, risk="standard", actor=article.author, reason="less review"
        )
    article.refresh_from_db()
    assert article.risk == "high"


def test_author_cannot_lower_risk_through_the_editor_after_changes_requested():
    article = ArticleFactory(risk="high", under_review=True)
    for a in article.assignments.all():
        workflow.review_decide(
            assignment=a, decision="changes_requested", actor=a.reviewer.user, comment="fix"
        )
    article.refresh_from_db()
    assert article.status == "changes_requested"
    with pytest.raises(PermissionDenied):
        authoring.article_update(
            article=article,
            actor=article.author,
            data={"title": article.title, "summary": article.summary, "risk": "standard"},
            expected_updated_at=None,
        )
    article.refresh_from_db()
    assert article.risk == "high"


def test_author_proposes_risk_before_the_first_submission():
    article = ArticleFactory(risk="standard")
    workflow.article_set_risk(article=article, risk="high", actor=article.author, reason="dose")
    article.refresh_from_db()
    assert article.risk == "high"


def test_editor_sets_risk_with_a_reason_in_the_history():
    article = ArticleFactory(submitted=True)
    editor = editor_user()
    with pytest.raises(ValidationError):
        workflow.article_set_risk(article=article, risk="high", actor=editor, reason=" ")
    workflow.article_set_risk(article=article, risk="high", actor=editor, reason="dosing")
    article.refresh_from_db()
    assert article.risk == "high"
    latest = article.history.first()
    assert latest.history_user == editor
    assert "dosing" in latest.history_change_reason


def test_risk_of_an_approved_article_is_not_changed_in_place():
    article = ArticleFactory(approved=True)
    with pytest.raises(ValidationError):
        workflow.article_set_risk(article=article, risk="high", actor=editor_user(), reason="x")


def test_rules_propose_high_for_a_drug_label_or_a_dose():
    label = article_with(label_issuer="Pfizer")
    assert workflow.article_risk_proposal(label).risk == "high"
    assert "cites an FDA drug label" in workflow.article_risk_proposal(label).reasons
    dose = ArticleFactory()  # "Drug X 10 mg daily"
    assert workflow.article_risk_proposal(dose).reasons == ["states a dose"]
    plain = ArticleFactory()
    plain.sections.update(body="Exercise helps [1].")
    assert workflow.article_risk_proposal(plain).risk == "standard"


def test_editor_sets_the_proposed_risk_at_assignment(client):
    article = article_with(label_issuer="Pfizer", submitted=True)
    assert article.risk == "standard"
    md, pharmacist = member("MD"), member("PharmD")
    editor = editor_user()
    client.force_login(editor)
    url = reverse("admin:articles_article_assign", args=[article.pk])
    page = client.get(url).content.decode()
    assert "cites an FDA drug label" in page
    client.post(url, {"reviewers": [md.pk, pharmacist.pk], "risk": "high"})
    article.refresh_from_db()
    assert article.status == "under_review"
    assert article.risk == "high"
    assert any(
        "risk standard → high" in (h.history_change_reason or "") for h in article.history.all()
    )


def test_admin_change_form_does_not_let_the_author_set_risk(client):
    writer = author_user()
    article = ArticleFactory(author=writer, risk="high")
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b'name="risk"' not in page


def test_dailymed_source_saved_as_web_is_refused_everywhere(client):
    source = Source(kind="web", title="Drug X label", dailymed_setid=SETID)
    with pytest.raises(ValidationError) as exc:
        source.full_clean()
    assert "drug label" in str(exc.value.message_dict["kind"])
    with pytest.raises(ValidationError, match="Drug label"):
        authoring.source_create(
            actor=author_user(), data={"kind": "web", "title": "Drug X", "dailymed_setid": SETID}
        )
    editor = editor_user(is_superuser=True)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_source_add"),
        {"kind": "web", "title": "Drug X label", "dailymed_setid": SETID},
    )
    assert response.status_code == 200
    assert "DailyMed set id is an FDA drug label" in response.content.decode()
    assert not Source.objects.filter(dailymed_setid=SETID).exists()


def test_data_migration_fixes_existing_label_kinds(capsys):
    wrong = SourceFactory(kind="web", dailymed_setid=SETID, doi="")
    right = SourceFactory(kind="journal_article")
    migration = importlib.import_module("articles.migrations.0010_dailymed_sources_are_drug_labels")
    migration.fix_label_kinds(django_apps, None)
    wrong.refresh_from_db()
    right.refresh_from_db()
    assert wrong.kind == "drug_label"
    assert right.kind == "journal_article"
    assert "kind web -> drug_label" in capsys.readouterr().out
    reasons = [h.history_change_reason or "" for h in wrong.history.all()]
    assert any(r.startswith("kind set to drug label") for r in reasons)
