"""The full patient version (issue 21): written in the author UI, signed with the professional
version in the same round, switched by ?audience= or the remembered cookie, without JavaScript."""

from __future__ import annotations

import pytest

from articles.models import Article, Audience, Section
from articles.snapshot import article_content_hash, article_snapshot, snapshot_hash
from editorial.demo.seed import seed_demo
from reviewers.models import Signature
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import ArticleFactory, advance

pytestmark = pytest.mark.django_db
DEMO = "/articles/second-line-hr-positive-her2-low-breast-cancer/"


def test_an_article_without_a_patient_version_keeps_its_hash(db):
    article = ArticleFactory(approved=True)
    snapshot = article.approved_snapshot
    assert "patient_sections" not in snapshot
    signed = Signature.objects.get(assignment__article=article).content_sha256
    assert snapshot_hash(snapshot) == signed == article_content_hash(article)


def test_the_signed_hash_covers_the_patient_version(author):
    article = ArticleFactory(author=author)
    before = article_content_hash(article)
    Section.objects.create(
        article=article, audience=Audience.PATIENT, heading="For you", body="Plain words."
    )
    with_patient = article_content_hash(article)
    assert with_patient != before
    Section.objects.filter(audience=Audience.PATIENT).update(body="Other plain words.")
    assert article_content_hash(article) != with_patient
    snapshot = article_snapshot(article)
    assert [s["heading"] for s in snapshot["patient_sections"]] == ["For you"]
    assert all(s["heading"] != "For you" for s in snapshot["sections"])
    advance(article, "approved")
    article.refresh_from_db()
    signed = Signature.objects.get(assignment__article=article).content_sha256
    assert signed == snapshot_hash(article.approved_snapshot)
    assert article.approved_snapshot["patient_sections"][0]["body"] == "Other plain words."


def test_author_writes_a_patient_section_and_plain_summary_in_the_editor(client, author):
    article = ArticleFactory(author=author)
    client.force_login(author)
    data = editor_post(article, "add-section", **{"ns-audience": "patient", "ns-kind": "other"})
    data["plain_summary"] = "In short, for patients."
    client.post(editor_url(article), data)
    article.refresh_from_db()
    assert article.plain_summary == "In short, for patients."
    assert article.sections.filter(audience=Audience.PATIENT).count() == 1
    page = client.get(editor_url(article)).content.decode()
    assert "patient version" in page and "Written for" in page


def test_the_toggle_switches_body_summary_and_disclaimer_and_is_remembered(client, db):
    seed_demo()
    clinician = client.get(DEMO).content.decode()
    assert "Professional medical disclaimer" in clinician
    assert "From the FDA Drug Label" in clinician and "What this means for you" not in clinician

    patient = client.get(DEMO, {"audience": "patient"})
    text = patient.content.decode()
    assert patient.cookies["audience"].value == "patient"
    assert "What this means for you" in text and "From the FDA Drug Label" not in text
    assert "In plain language" in text and "Information, not medical advice" in text
    assert "Professional medical disclaimer" not in text
    assert "one signed content hash covers both" in text

    remembered = client.get(DEMO).content.decode()  # the cookie, no parameter
    assert "What this means for you" in remembered
    back = client.get(DEMO, {"audience": "clinician"}).content.decode()
    assert "From the FDA Drug Label" in back and "Professional medical disclaimer" in back


def test_patient_choice_without_a_patient_version_says_so(client, db):
    article = ArticleFactory(approved=True)
    text = client.get(f"/articles/{article.slug}/", {"audience": "patient"}).content.decode()
    assert "There is no plain-language version of this article yet" in text


def test_demo_patient_version_was_approved_with_the_article(db):
    seed_demo()
    article = Article.objects.get(slug=DEMO.split("/")[2])
    assert len(article.approved_snapshot["patient_sections"]) == 3
    assert article.approved_snapshot["plain_summary"]
