"""The public article page: who may see what, and what the page says."""

import json
import re

import pytest
from django.test import override_settings

from articles.models import Article, Section
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.editorial.public_helpers import (
    approved_article_with_citations,
    archived_article,
    article_url,
    changes_requested_article,
    revise,
)
from tests.factories import (
    ArticleFactory,
    BoardMemberFactory,
    SourceFactory,
    advance,
    editor_user,
)

pytestmark = pytest.mark.django_db

BADGE = "Reviewed for accuracy by our board"
CAUTION = "pending human review"


def _json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


# --- who may see an article ---


def test_unknown_slug_is_404(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_draft_never_approved_is_404_and_shows_nothing_of_it(client):
    draft = ArticleFactory(title="Secret draft question?")
    response = client.get(article_url(draft))
    assert response.status_code == 404
    assert b"Secret draft question" not in response.content
    assert not response.has_header("ETag")


def test_changes_requested_never_approved_is_404(client):
    article = changes_requested_article()
    assert client.get(article_url(article)).status_code == 404


@pytest.mark.parametrize("stage", ["submitted", "under_review"])
def test_pending_first_review_shows_caution_tracker_step_and_no_badge(client, stage):
    article = ArticleFactory(**{stage: True}, title="Is drug Y safe in pregnancy?")
    response = client.get(article_url(article))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is drug Y safe in pregnancy?" in html
    assert "Educational purpose only" in html and CAUTION in html
    assert BADGE not in html
    assert "Medically reviewed by" not in html
    current = re.search(
        r'tracker__step is-current" aria-current="step">.*?__label">([^<]+)', html, re.S
    )
    assert current.group(1) == ("Submitted" if stage == "submitted" else "Under Review")
    assert "reviewedBy" not in _json_ld(response)


@override_settings(PUBLIC_SHOWS_PENDING=False)
@pytest.mark.parametrize("stage", ["submitted", "under_review"])
def test_pending_article_is_404_when_the_setting_is_off(client, stage):
    article = ArticleFactory(**{stage: True})
    assert client.get(article_url(article)).status_code == 404


def test_approved_article_carries_badge_reviewers_and_dates(client):
    article = ArticleFactory(approved=True)
    approver = ReviewAssignment.objects.get(article=article).reviewer
    response = client.get(article_url(article))
    html = response.content.decode()
    assert response.status_code == 200
    assert BADGE in html and CAUTION not in html
    assert "Medically reviewed by" in html
    assert f"{approver.user.get_full_name()}, {approver.credentials}" in html
    assert "Last updated" in html and "Next review due" in html
    assert article.next_review_due.strftime("%B %-d, %Y") in html
    assert 'href="/editorial-policy/"' in html
    assert "Professional medical disclaimer" in html


def test_reviewers_listed_are_only_the_approvers_of_the_approved_round(client):
    article = ArticleFactory(under_review=True)
    decliner = BoardMemberFactory(user__first_name="Dee", user__last_name="Cliner")
    workflow.review_assign(article=article, reviewers=[decliner], actor=editor_user())
    workflow.review_decide(
        assignment=ReviewAssignment.objects.get(article=article, reviewer=decliner),
        decision="declined",
        actor=decliner.user,
        comment="Conflict.",
    )
    approver_assignment = ReviewAssignment.objects.get(article=article, decision="pending")
    workflow.review_decide(
        assignment=approver_assignment, decision="approved", actor=approver_assignment.reviewer.user
    )
    html = client.get(article_url(article)).content.decode()
    assert approver_assignment.reviewer.user.get_full_name() in html
    assert "Dee Cliner" not in html


def test_revision_in_progress_shows_the_approved_snapshot_not_the_draft(client):
    article = ArticleFactory(approved=True, title="Approved question?")
    revise(article, title="Draft question?", body="Unreviewed draft claim [1].")
    response = client.get(article_url(article))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Approved question?" in html and "Drug X 10 mg daily improved survival" in html
    assert "Draft question?" not in html and "Unreviewed draft claim" not in html
    assert BADGE in html


def test_resubmitted_revision_still_shows_the_approved_snapshot_with_its_approvers(client):
    article = ArticleFactory(approved=True, title="Approved question?")
    approver = ReviewAssignment.objects.get(article=article).reviewer
    revise(article, title="Draft question?", body="Unreviewed draft claim [1].")
    workflow.article_submit(article=article, actor=article.author)
    html = client.get(article_url(article)).content.decode()
    assert "Approved question?" in html and "Unreviewed draft claim" not in html
    assert approver.user.get_full_name() in html
    assert "is-current" in html and CAUTION not in html


def test_stale_article_shows_notice_with_reason_and_keeps_approved_content(client):
    article = ArticleFactory(approved=True)
    workflow.article_flag_stale(
        article=article, reason="NCCN guideline updated to version 3.2025", actor=None
    )
    html = client.get(article_url(article)).content.decode()
    assert "This article is being re-reviewed" in html
    assert "NCCN guideline updated to version 3.2025" in html
    assert "Drug X 10 mg daily improved survival" in html
    # issue 20: the badge is qualified (last reviewed, re-review in progress), never plain
    assert BADGE not in html
    assert "re-review in progress" in html


def test_stale_notice_names_the_changed_source_and_versions(client):
    from editorial.staleness.services import source_record_version

    article = ArticleFactory(approved=True)
    source = article.citations.get().source
    source.current_version = "Version 2.2025"
    source.save()
    source_record_version(source=source, version="Version 3.2025")
    html = client.get(article_url(article)).content.decode()
    assert "This article is being re-reviewed" in html
    assert source.title in html
    assert (
        "Version 2.2025 &rarr; Version 3.2025" in html or "Version 2.2025 → Version 3.2025" in html
    )
    assert "Drug X 10 mg daily improved survival" in html


def test_a_second_source_changing_under_a_stale_article_joins_its_notice(client):
    """The article is already stale, so the second flag saves nothing on the article: the
    page (and a reader's cached copy) must still change."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from editorial.staleness.services import source_record_version
    from tests.editorial.public_helpers import approved_article_with_citations

    article = approved_article_with_citations(2)
    first, second = (c.source for c in article.citations.order_by("number"))
    source_record_version(source=first, version="Version 3.2025")
    response = client.get(article_url(article))
    assert "Label 2026-01" not in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        source_record_version(source=second, version="Label 2026-01")
        again = client.get(article_url(article), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200
    assert "Label 2026-01" in again.content.decode()


def test_approved_article_has_no_stale_notice(client):
    article = ArticleFactory(approved=True)
    assert "being re-reviewed" not in client.get(article_url(article)).content.decode()


def test_archived_published_article_is_410_with_a_note(client):
    article = archived_article(approved=True)
    response = client.get(article_url(article))
    assert response.status_code == 410
    assert b"withdrawn" in response.content
    assert article.title.encode() not in response.content


def test_archived_pending_article_is_410_only_if_pending_articles_were_shown(client):
    article = archived_article(submitted=True)
    assert client.get(article_url(article)).status_code == 410
    with override_settings(PUBLIC_SHOWS_PENDING=False):
        assert client.get(article_url(article)).status_code == 404


def test_archived_draft_that_readers_never_saw_is_404(client):
    article = archived_article()
    assert client.get(article_url(article)).status_code == 404


def test_post_is_not_allowed(client):
    article = ArticleFactory(approved=True)
    assert client.post(article_url(article)).status_code == 405


# --- content ---


def test_citation_markers_link_to_the_reference_list_with_identifier_links(client):
    article = ArticleFactory()
    label = SourceFactory(
        kind="drug_label",
        title="VERZENIO label",
        doi="",
        dailymed_setid="f2c5b2a4-3c1e-4a8e-9a53-6d1f0c0b7a11",
        current_version="Revision 2023-03",
    )
    trial = SourceFactory(pmid="31091374", nct_id="NCT02437318")
    article.citations.create(number=2, source=label)
    article.citations.create(number=3, source=trial)
    Section.objects.filter(article=article).update(body="Survival improved [1]; dose [2, 3].")
    advance(article, "approved")
    html = client.get(article_url(article)).content.decode()
    assert '<a href="#ref-2"' in html and '<a href="#ref-3"' in html
    assert 'id="ref-2"' in html and 'id="ref-3"' in html
    assert (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=f2c5b2a4-3c1e-4a8e-9a53-6d1f0c0b7a11"
        in html
    )
    assert "https://pubmed.ncbi.nlm.nih.gov/31091374/" in html
    assert "https://clinicaltrials.gov/study/NCT02437318" in html
    assert "https://doi.org/10.1056/NEJMoa" in html


def test_script_in_section_markdown_is_not_rendered(client):
    article = ArticleFactory()
    Section.objects.filter(article=article).update(
        body="<script>alert(1)</script> [x](javascript:alert(2)) fine [1]"
    )
    advance(article, "approved")
    html = client.get(article_url(article)).content.decode()
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html


def test_json_ld_describes_the_approved_medical_web_page(client):
    article = ArticleFactory(approved=True)
    approver = ReviewAssignment.objects.get(article=article).reviewer
    data = _json_ld(client.get(article_url(article)))
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == article.title
    assert data["about"]["name"] == article.title
    assert data["lastReviewed"] == article.approved_at.date().isoformat()
    assert data["dateModified"].startswith(article.approved_at.date().isoformat())
    assert data["reviewedBy"] == [
        {
            "@type": "Person",
            "name": approver.user.get_full_name(),
            "honorificSuffix": approver.credentials,
        }
    ]
    assert [c["name"] for c in data["citation"]] == [article.citations.get().source.title]


def test_json_ld_cannot_be_closed_by_article_text(client):
    article = ArticleFactory(approved=True, title="Is </script><script>alert(1)</script> safe?")
    html = client.get(article_url(article)).content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["name"] == article.title


def test_canonical_link_points_at_the_article_without_query(client):
    article = ArticleFactory(approved=True)
    html = client.get(article_url(article) + "?audience=patient").content.decode()
    assert f'<link rel="canonical" href="http://testserver/articles/{article.slug}/">' in html


# --- audience toggle ---


def _with_plain_summary() -> Article:
    article = ArticleFactory(summary="Clinician summary text.")
    Article.objects.filter(pk=article.pk).update(plain_summary="Plain words for patients.")
    advance(article, "approved")
    return article


def _lead(html: str) -> str:
    return re.search(r'summary__lead">.*?<p>(.*?)</p>', html, re.S).group(1)


def test_clinician_summary_leads_by_default_and_patient_choice_is_remembered(client):
    article = _with_plain_summary()
    assert _lead(client.get(article_url(article)).content.decode()) == "Clinician summary text."
    response = client.get(article_url(article) + "?audience=patient")
    assert _lead(response.content.decode()) == "Plain words for patients."
    assert response.cookies["audience"].value == "patient"
    # the cookie now set in the client is remembered on the next visit
    assert _lead(client.get(article_url(article)).content.decode()) == "Plain words for patients."


def test_no_toggle_without_a_plain_summary(client):
    article = ArticleFactory(approved=True)
    assert "I am a patient" not in client.get(article_url(article)).content.decode()


def test_unknown_audience_falls_back_to_clinician(client):
    article = _with_plain_summary()
    response = client.get(article_url(article) + "?audience=<b>")
    assert _lead(response.content.decode()) == "Clinician summary text."
    assert "audience" not in response.cookies


# --- caching and queries ---


def test_etag_revalidates_with_304_and_changes_when_the_article_changes(client):
    article = ArticleFactory(approved=True)
    first = client.get(article_url(article))
    etag = first["ETag"]
    assert first.has_header("Last-Modified")
    assert client.get(article_url(article), HTTP_IF_NONE_MATCH=etag).status_code == 304
    workflow.article_flag_stale(article=article, reason="label revised", actor=None)
    again = client.get(article_url(article), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_last_modified_revalidates_with_304(client):
    article = ArticleFactory(approved=True)
    last_modified = client.get(article_url(article))["Last-Modified"]
    response = client.get(article_url(article), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_etag_differs_by_audience(client):
    article = _with_plain_summary()
    clinician = client.get(article_url(article) + "?audience=clinician")["ETag"]
    assert client.get(article_url(article) + "?audience=patient")["ETag"] != clinician


def test_article_page_query_count_does_not_grow_with_citations(
    client, django_assert_max_num_queries
):
    article = approved_article_with_citations(50)
    workflow.article_flag_stale(article=article, reason="label revised", actor=None)
    # 1 the freshness probe for ETag/Last-Modified (a few columns and a digest: no JSON, as
    # every view pays it, cached or not), 1 the article's row with the author's byline,
    # 1 approvals (reviewers and Changes), 1 approved versions (history), 1 board
    # members with their current disclosures (the directory, read once and cached; this
    # article has no specialty), 1 open staleness flags (with their sources), and, as
    # this article was flagged by hand without a flag, 1 stale history row; the 50 citations
    # come from the snapshot, rendered at approval (the issue caps the page at 10)
    with django_assert_max_num_queries(7):
        response = client.get(article_url(article))
    assert response.content.decode().count('class="reference"') == 50


def test_pending_page_query_count_does_not_grow_with_citations(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(submitted=True)
    for n in range(2, 51):
        article.citations.create(number=n, source=SourceFactory())
    # 1 the freshness probe, 1 the article's row, 1 sections, 1 citations with their sources,
    # 1 specialties (the directory, read once and cached)
    with django_assert_max_num_queries(5):
        response = client.get(article_url(article))
    assert response.content.decode().count('class="reference"') == 50


def test_late_approver_after_the_quorum_is_refused_and_not_listed(client):
    """Issue 20: the quorum's approval closes the round; a late approval is refused."""
    from django.core.exceptions import ValidationError

    article = ArticleFactory(under_review=True)
    late = BoardMemberFactory(user__first_name="Lee", user__last_name="Later")
    workflow.review_assign(article=article, reviewers=[late], actor=editor_user())
    first = ReviewAssignment.objects.exclude(reviewer=late).get(article=article)
    workflow.review_decide(assignment=first, decision="approved", actor=first.reviewer.user)
    before = client.get(article_url(article))
    assert "Lee Later" not in before.content.decode()
    with pytest.raises(ValidationError):
        workflow.review_decide(
            assignment=ReviewAssignment.objects.get(article=article, reviewer=late),
            decision="approved",
            actor=late.user,
        )
    after = client.get(article_url(article), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 304


def test_snapshot_without_a_recorded_round_still_lists_its_approvers(client):
    article = ArticleFactory(approved=True)
    approver = ReviewAssignment.objects.get(article=article).reviewer
    snapshot = dict(article.approved_snapshot)
    del snapshot["review_round"]
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)
    assert approver.user.get_full_name() in client.get(article_url(article)).content.decode()


def test_a_cached_page_costs_one_probe_and_a_new_version_renders_afresh(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(approved=True)
    url = article_url(article)
    assert "being re-reviewed" not in client.get(url).content.decode()
    with django_assert_max_num_queries(1):  # the version probe; the page comes from the cache
        cached = client.get(url)
    assert "Drug X 10 mg daily improved survival" in cached.content.decode()
    workflow.article_flag_stale(article=article, reason="label revised", actor=None)
    assert "being re-reviewed" in client.get(url).content.decode()
