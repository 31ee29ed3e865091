import pytest

from articles.models import Article
from editorial.demo.seed import seed_demo
from editorial.workflow.signatures import article_valid_approvals
from reviewers.models import BoardMember, Disclosure
from reviewers.selectors import board_member_suggestions_for_article

pytestmark = pytest.mark.django_db


def test_demo_breast_article_is_approved_by_two_physicians_and_the_pharmacist():
    seed_demo()
    article = Article.objects.get(slug="second-line-hr-positive-her2-low-breast-cancer")
    assert article.status == "approved"
    signed = {
        (a.signature.credentials, a.signature.meaning) for a in article_valid_approvals(article)
    }
    assert signed == {
        ("MD", "clinically reviewed and approved"),
        ("DO", "clinically reviewed and approved"),
        ("PharmD", "label reviewed"),
    }


def test_demo_board_has_licences_affiliations_and_non_conflicting_disclosures():
    seed_demo()
    assert not BoardMember.objects.filter(licence_number="").exists()
    assert not BoardMember.objects.filter(affiliation="").exists()
    assert Disclosure.objects.current().exists()
    for article in Article.objects.all():
        excluded = board_member_suggestions_for_article(article).excluded
        assert not [r for s in excluded for r in s.reasons if "discloses" in r]
    assert seed_demo() == []  # idempotent
    assert Disclosure.objects.count() == 4


def test_demo_article_under_review_has_a_board_that_can_reach_its_quorum():
    seed_demo()
    article = Article.objects.get(slug="metformin-dosing-chronic-kidney-disease")
    credentials = sorted(a.reviewer.credentials for a in article.assignments.all())
    assert credentials == ["DO", "MD", "PharmD"]
