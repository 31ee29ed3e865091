"""A small editorial world for the email tests: who should hear about what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from articles.models import Article, Citation, Source
from editorial.models import NotificationPreference
from editorial.staleness.services import source_record_version
from reviewers.models import BoardMember, ReviewAssignment
from tests.factories import ArticleFactory, SourceFactory, UserFactory, author_user


@dataclass
class World:
    author: User
    other_author: User
    chief: User  # an editor
    stale_mine: Article  # author's, stale because the guideline changed
    due_mine: Article  # author's, approved, periodic review due in 10 days
    stale_other: Article  # other author's, stale because the label changed
    approver: BoardMember  # approved stale_mine
    late: ReviewAssignment  # overdue, to `approver`
    guideline: Source
    label: Source


def approver_of(article: Article) -> BoardMember:
    return ReviewAssignment.objects.get(article=article, decision="approved").reviewer


def cite(article: Article, source: Source) -> None:
    Citation.objects.create(article=article, number=article.citations.count() + 1, source=source)


def build_world() -> World:
    author = author_user(username="ada")
    other_author = author_user(username="ben")
    chief = UserFactory(username="chief", groups=["Editors"])
    guideline = SourceFactory(kind="guideline", title="NICE NG109", current_version="2018")
    label = SourceFactory(kind="drug_label", title="Metformin label", current_version="v3")
    stale_mine = ArticleFactory(author=author, approved=True, title="Cystitis in women")
    stale_other = ArticleFactory(author=other_author, approved=True, title="Metformin dosing")
    due_mine = ArticleFactory(author=author, approved=True, title="Statins after 75")
    Article.objects.filter(pk=due_mine.pk).update(
        next_review_due=timezone.localdate() + timedelta(days=10)
    )
    cite(stale_mine, guideline)
    cite(stale_other, label)
    source_record_version(source=guideline, version="2024", actor=None)
    source_record_version(source=label, version="v4", actor=None)
    approver = approver_of(stale_mine)
    under_review = ArticleFactory(author=other_author, under_review=True, title="Gout flares")
    late = ReviewAssignment.objects.create(
        article=under_review,
        reviewer=approver,
        round=under_review.review_round,
        due_at=timezone.now() - timedelta(days=1),
    )
    mail.outbox.clear()
    return World(
        author,
        other_author,
        chief,
        stale_mine,
        due_mine,
        stale_other,
        approver,
        late,
        guideline,
        label,
    )


def set_frequency(user: User, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"report_frequency": frequency}
    )


def mail_to(user: User) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def html_of(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html
