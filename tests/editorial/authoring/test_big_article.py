"""An article of 300 sections and 300 citations: the editor saves it whole (no field-count
wall), and a save that cannot proceed keeps what the author typed and says why."""

from __future__ import annotations

import pytest
from simple_history.utils import bulk_create_with_history

from articles.models import Citation, Section, Source
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
N = 300


@pytest.fixture
def big(author):
    article = ArticleFactory(author=author, title="A very long review")
    sources = Source.objects.bulk_create(
        Source(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/big{k}") for k in range(N)
    )
    bulk_create_with_history(
        [
            Section(article=article, kind="research", position=p, body=f"Finding {p} [{p}].")
            for p in range(1, N + 1)
        ],
        Section,
    )
    bulk_create_with_history(
        [Citation(article=article, number=k + 1, source=s) for k, s in enumerate(sources)],
        Citation,
    )
    article.refresh_from_db()
    return article


def _whole_page(article) -> dict[str, str]:
    data = {
        "title": article.title,
        "summary": article.summary,
        "specialty": article.specialty_id or "",
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
        "action": "save",
    }
    for s in article.sections.all():
        data |= {f"s{s.pk}-kind": s.kind, f"s{s.pk}-heading": s.heading, f"s{s.pk}-body": s.body}
    for c in article.citations.all():
        data |= {f"c{c.pk}-locator": c.locator, f"c{c.pk}-cited_version": c.cited_version}
    return data


def test_a_300_section_article_saves_from_the_editor(client, author, big):
    client.force_login(author)
    data = _whole_page(big)
    last = big.sections.order_by("position").last()
    data[f"s{last.pk}-body"] = "Finding 300 [300], confirmed in 2026."
    assert len(data) > 1_000  # over Django's default field limit

    response = client.post(f"/author/articles/{big.pk}/", data)

    assert response.status_code == 302
    last.refresh_from_db()
    assert last.body == "Finding 300 [300], confirmed in 2026."


def test_a_refused_save_of_a_big_article_keeps_the_typed_text_and_says_why(client, author, big):
    client.force_login(author)
    data = _whole_page(big)
    first = big.sections.get(body="Finding 1 [1].")
    last = big.sections.get(body=f"Finding {N} [{N}].")
    data[f"s{first.pk}-body"] = "Typed but not yet saved: the dose is 5 mg [1]."
    data[f"s{last.pk}-body"] = "<script>alert(1)</script>"

    response = client.post(f"/author/articles/{big.pk}/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Scripts and HTML tags are not allowed here" in page
    assert "Typed but not yet saved: the dose is 5 mg [1]." in page
    first.refresh_from_db()
    assert first.body == "Finding 1 [1]."
