"""Factories: valid by default, with traits for workflow states (ArticleFactory(approved=True))."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from articles.models import Article, Citation, Section, Source
from editorial import workflow
from editorial.access.roles import AUTHORS, EDITORS, REVIEWERS
from editorial.public.tasks import prerender_article
from reviewers.models import BoardMember, Disclosure, ReviewAssignment, Specialty


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("pw-correct-horse")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


def author_user(**kwargs) -> User:
    return UserFactory(groups=[AUTHORS], **kwargs)


def editor_user(**kwargs) -> User:
    return UserFactory(groups=[EDITORS], **kwargs)


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Specialty {n}")
    slug = factory.Sequence(lambda n: f"specialty-{n}")


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    user = factory.SubFactory(UserFactory, groups=[REVIEWERS])
    credentials = "MD"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = "journal_article"
    title = factory.Sequence(lambda n: f"Trial report {n}")
    issuer = "New England Journal of Medicine"
    doi = factory.Sequence(lambda n: f"10.1056/NEJMoa{1000000 + n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft with one cited section. Traits walk it through the real workflow."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"What is the first-line treatment for condition {n}?")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short answer."
    author = factory.LazyFunction(author_user)

    class Params:
        submitted = factory.Trait(stage="submitted")
        under_review = factory.Trait(stage="under_review")
        approved = factory.Trait(stage="approved")
        stale = factory.Trait(stage="stale")

    stage = "draft"

    @classmethod
    def _create(cls, model_class, *args, stage="draft", **kwargs):
        article = model_class(*args, **kwargs)
        article._history_user = article.author
        article._change_reason = "drafted"
        article.save()
        Section.objects.create(
            article=article,
            kind="research",
            heading="From the Research",
            position=1,
            body="Drug X 10 mg daily improved survival [1].",
        )
        Citation.objects.create(article=article, number=1, source=SourceFactory())
        advance(article, stage)
        article.refresh_from_db()
        return article


def advance(article: Article, stage: str) -> None:
    """Take a draft to `stage` through the services, with a fresh editor and reviewer."""
    if stage == "draft":
        return
    workflow.article_submit(article=article, actor=article.author)
    if stage == "submitted":
        return
    editor = editor_user()
    member = BoardMemberFactory()
    (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor)
    if stage == "under_review":
        return
    workflow.review_decide(assignment=assignment, decision="approved", actor=member.user)
    # what a worker does once the approval commits (the test transaction never commits)
    prerender_article(article.pk)
    if stage == "approved":
        return
    workflow.article_flag_stale(article=article, reason="source changed", actor=None)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    article = factory.SubFactory(ArticleFactory, submitted=True)
    reviewer = factory.SubFactory(BoardMemberFactory)
    round = factory.LazyAttribute(lambda a: a.article.review_round)


class DisclosureFactory(factory.django.DjangoModelFactory):
    """A current disclosure (no dates) by default."""

    class Meta:
        model = Disclosure

    member = factory.SubFactory(BoardMemberFactory)
    organisation = "Pfizer"
    kind = "consulting"


def articles_in_state(
    n: int, *, status: str = "under_review", review_round: int = 1, prefix: str = "q"
) -> list[Article]:
    """n bare articles set straight to `status` and `review_round` in two statements, for
    volume and query-shape tests (the workflow path that gets them there is tested elsewhere)."""
    author = author_user()
    start = Article.objects.count()
    articles = Article.objects.bulk_create(
        [
            Article(title=f"{prefix} {start + i}", slug=f"{prefix}-{start + i}", author=author)
            for i in range(n)
        ]
    )
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        status=status, review_round=review_round
    )
    return articles  # the instances keep their draft state: refresh_from_db to read it
