"""Drafts through the API: keys and scopes, creation, idempotency, revision, submission."""

from __future__ import annotations

import pytest
import time_machine

from articles.models import Article, Source
from editorial.models import ApiKey
from tests.editorial.api.helpers import Api, draft_body, make_key

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(author):
    _, key = make_key(author)
    return Api(key)


def test_missing_or_wrong_key_is_401_problem(author):
    for key in (None, "imp_not-a-key"):
        response = Api(key).get("/articles")
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 401
        assert "Bearer" in response.json()["detail"]


def test_missing_scope_is_403_problem(author):
    _, key = make_key(author, scopes="articles:read")
    response = Api(key).post("/articles", draft_body())
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "drafts:write" in response.json()["detail"]
    assert not Article.objects.exists()


def test_revoked_key_is_refused_and_last_use_is_recorded(author):
    _, key = make_key(author)
    assert Api(key).get("/articles").status_code == 200
    row = ApiKey.objects.get()
    assert row.last_used_at is not None
    row.revoked_at = row.last_used_at
    row.save()
    assert Api(key).get("/articles").status_code == 401


def test_ip_allow_list(author):
    client, key = make_key(author)
    client.allowed_ips = "10.0.0.0/8"
    client.save()
    assert Api(key).get("/articles").status_code == 403
    client.allowed_ips = "127.0.0.1"
    client.save()
    assert Api(key).get("/articles").status_code == 200


def test_rate_limit_answers_429_with_retry_after(author):
    client, key = make_key(author)
    client.rate_limit_per_minute = 2
    client.save()
    api = Api(key)
    with time_machine.travel("2026-12-03 10:00:15Z", tick=False):
        assert [api.get("/articles").status_code for _ in range(2)] == [200, 200]
        response = api.get("/articles")
        assert response.status_code == 429
        assert response["Content-Type"] == PROBLEM
        assert response["Retry-After"] == "45"
    with time_machine.travel("2026-12-03 10:01:01Z", tick=False):
        assert api.get("/articles").status_code == 200  # the next minute


def test_create_draft_answers_201_with_location_and_checks(api, author):
    response = api.post("/articles", draft_body(sections=2, citations=2))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"slug", "state", "problems", "warnings"}
    assert body["state"] == "draft"
    assert body["problems"] == []
    assert response["Location"] == f"/api/v1/articles/{body['slug']}"
    article = Article.objects.get(slug=body["slug"])
    assert article.author == author
    assert article.sections.count() == 2
    assert list(article.citations.values_list("number", flat=True)) == [1, 2]
    # one version: the article row, then its children
    assert article.history.count() == 1


def test_citation_source_matches_existing_by_identifier(api):
    existing = Source.objects.create(
        kind="journal_article", title="Old title", doi="10.1056/NEJMoa2000000"
    )
    body = draft_body(citations=1)
    # pasted with a wrapper and another case: matched on its canonical form
    body["citations"][0]["source"]["doi"] = "https://doi.org/10.1056/nejmoa2000000"
    assert api.post("/articles", body).status_code == 201
    assert Source.objects.count() == 1
    assert Article.objects.get().citations.get().source == existing


def test_guideline_matches_by_kind_title_issuer(api):
    existing = Source.objects.create(kind="guideline", title="Hypertension", issuer="NICE")
    body = draft_body(citations=1)
    body["citations"][0]["source"] = {
        "kind": "guideline",
        "title": "hypertension",
        "issuer": "NICE",
    }
    assert api.post("/articles", body).status_code == 201
    assert Article.objects.get().citations.get().source == existing


def test_idempotency_key_returns_the_first_result(api):
    first = api.post("/articles", draft_body(), **{"Idempotency-Key": "run-42"})
    again = api.post("/articles", draft_body(), **{"Idempotency-Key": "run-42"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert Article.objects.count() == 1
    other = api.post("/articles", draft_body(title="Other?"), **{"Idempotency-Key": "run-42"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        ({**draft_body(), "colour": "red"}, "colour"),
        ({**draft_body(), "risk": "extreme"}, "risk"),
        ({**draft_body(), "sections": [{"kind": "research", "body": 5}]}, "sections.0.body"),
        ({**draft_body(), "title": ""}, "title"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_saves_nothing(api, body, field):
    response = api.post("/articles", body)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]
    assert not Article.objects.exists()


def test_invalid_identifier_names_the_field_and_saves_nothing(api):
    body = draft_body(citations=2)
    body["citations"][1]["source"]["doi"] = "not-a-doi"
    response = api.post("/articles", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "citations.1.source.doi"
    assert not Article.objects.exists()
    assert not Source.objects.exists()  # the first citation's new source rolled back too


def test_script_in_a_section_is_refused(api):
    body = draft_body()
    body["sections"][1]["body"] = "<script>alert(1)</script>"
    response = api.post("/articles", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sections.1.body"


def test_oversized_body_is_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = draft_body()
    body["summary"] = "x" * 2000
    response = api.post("/articles", body)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert not Article.objects.exists()


def test_patch_needs_the_current_etag(api):
    slug = api.post("/articles", draft_body()).json()["slug"]
    read = api.get(f"/articles/{slug}")
    etag = read["ETag"]
    assert api.patch(f"/articles/{slug}", {"title": "New?"}).status_code == 428
    ok = api.patch(f"/articles/{slug}", {"title": "New?"}, **{"If-Match": etag})
    assert ok.status_code == 200, ok.content
    assert ok.json()["title"] == "New?"
    stale = api.patch(f"/articles/{slug}", {"title": "Lost?"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    assert Article.objects.get(slug=slug).title == "New?"


def test_patch_replaces_sections(api):
    slug = api.post("/articles", draft_body(sections=3)).json()["slug"]
    etag = api.get(f"/articles/{slug}")["ETag"]
    sections = [{"kind": "key_points", "heading": "Short", "body": "Drug X helps [1] [2]."}]
    response = api.patch(f"/articles/{slug}", {"sections": sections}, **{"If-Match": etag})
    assert response.status_code == 200, response.content
    assert [s["heading"] for s in response.json()["sections"]] == ["Short"]
    assert response["ETag"] != etag


def test_submit_uses_the_web_rules(api):
    body = draft_body(citations=1)
    body["citations"] = []
    slug = api.post("/articles", body).json()["slug"]
    refused = api.post(f"/articles/{slug}/submit")
    assert refused.status_code == 422
    assert "The article needs at least one citation." in refused.json()["problems"]
    slug = api.post("/articles", draft_body(title="Second?")).json()["slug"]
    submitted = api.post(f"/articles/{slug}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"


def test_other_authors_articles_are_404(api, other_author):
    _, key = make_key(other_author, name="other")
    slug = Api(key).post("/articles", draft_body()).json()["slug"]
    assert api.get(f"/articles/{slug}").status_code == 404
    assert api.get(f"/articles/{slug}/status").status_code == 404


def test_api_key_create_command_prints_the_key_last(author, capsys):
    from django.core.management import call_command

    call_command(
        "api_key_create", "--client", "pipe", "--user", author.username,
        "--scopes", "drafts:write,articles:read",
    )  # fmt: skip
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("imp_")
    assert Api(key).get("/articles").status_code == 200
    assert Api(key).post("/sources/1/versions", {"version": "2"}).status_code == 403
