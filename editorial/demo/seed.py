"""Build the demo data through the workflow services, so its history is real. Idempotent:
everything is keyed by username, slug or title, and an article that exists is left alone."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group, User
from django.db import transaction

from articles.models import Article, Audience, Citation, Section, Source
from editorial import workflow
from editorial.demo import content
from reviewers.models import AuthorProfile, BoardMember, Disclosure, Specialty


def seed_demo() -> list[str]:
    """Create or complete the demo data; returns lines describing what was created."""
    created: list[str] = []
    with transaction.atomic():
        users = _users(created)
        specialties = _specialties()
        members = _board(users, specialties)
        sources = _sources()
        breast = _article(content.BREAST, users["author"], specialties, sources, created)
        if breast is not None:
            _approve_breast(breast, users, members)
        for spec in content.OTHER_ARTICLES:
            article = _article(spec, users["author"], specialties, sources, created)
            if article is not None:
                _advance(article, spec["stage"], users, members)
    return created


def _users(created: list[str]) -> dict[str, User]:
    users = {}
    for username, first, last, email, groups in content.USERS:
        user, is_new = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "is_staff": True},
        )
        if is_new:
            user.set_password(content.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=groups))
            created.append(f"user {username}")
        users[username] = user
    # the byline's credentials (issue 21)
    for username, credentials in content.AUTHOR_CREDENTIALS:
        AuthorProfile.objects.get_or_create(
            user=users[username], defaults={"credentials": credentials}
        )
    return users


def _specialties() -> dict[str, Specialty]:
    return {
        slug: Specialty.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in content.SPECIALTIES
    }


def _board(users: dict[str, User], specialties: dict[str, Specialty]) -> dict[str, BoardMember]:
    members = {}
    for username, credentials, slugs in content.BOARD:
        member, is_new = BoardMember.objects.get_or_create(
            user=users[username], defaults={"credentials": credentials}
        )
        if is_new:
            member.specialties.set([specialties[s] for s in slugs])
        if not member.licence_number and username in content.BOARD_DETAILS:
            licence, verified_on, affiliation = content.BOARD_DETAILS[username]
            member.licence_number = licence
            member.licence_verified_on = date.fromisoformat(verified_on)
            member.affiliation = affiliation
            member._change_reason = "demo board details"
            member.save()
        members[username] = member
    for username, organisation, kind, since, until, note in content.DISCLOSURES:
        Disclosure.objects.get_or_create(
            member=members[username],
            organisation=organisation,
            kind=kind,
            defaults={
                "since": since and date.fromisoformat(since),
                "until": until and date.fromisoformat(until),
                "note": note,
            },
        )
    return members


def _sources() -> dict[str, Source]:
    sources = {}
    for key, fields in content.SOURCES.items():
        source, is_new = Source.objects.get_or_create(title=fields["title"], defaults=fields)
        if is_new:
            source._change_reason = "demo library"
        sources[key] = source
    return sources


def _article(spec, author, specialties, sources, created) -> Article | None:
    if Article.objects.filter(slug=spec["slug"]).exists():
        return None
    article = Article(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        plain_summary=spec.get("plain_summary", ""),
        specialty=specialties[spec["specialty"]],
        risk=spec["risk"],
        author=author,
    )
    article._history_user = author
    article._change_reason = "drafted"
    article.save()
    clinician = [(Audience.CLINICIAN, *row) for row in spec["sections"]]
    patient = [(Audience.PATIENT, *row) for row in spec.get("patient_sections", [])]
    for position, (audience, kind, heading, body) in enumerate(clinician + patient, start=1):
        section = Section(
            article=article,
            audience=audience,
            kind=kind,
            heading=heading,
            body=body,
            position=position,
        )
        section._history_user = author
        section._change_reason = "drafted"
        section.save()
    for number, key, locator in spec["citations"]:
        source = sources[key]
        citation = Citation(
            article=article,
            number=number,
            source=source,
            locator=locator,
            cited_version=source.current_version,
        )
        citation._history_user = author
        citation._change_reason = "cited"
        citation.save()
    created.append(f"article {spec['slug']}")
    return article


def _approve_breast(article: Article, users, members) -> None:
    workflow.article_submit(article=article, actor=users["author"])
    board = [members["reviewer"], members["reviewer2"], members["pharmacist"]]
    assignments = workflow.review_assign(article=article, reviewers=board, actor=users["editor"])
    for assignment in sorted(assignments, key=lambda a: a.reviewer.user.username != "pharmacist"):
        workflow.review_decide(
            assignment=assignment,
            decision="approved",
            actor=assignment.reviewer.user,
            comment="Regimens and doses match the cited guideline and labels.",
            checklist=content.APPROVAL_CHECKLIST,
        )


def _advance(article: Article, stage: str, users, members) -> None:
    if stage in ("submitted", "under_review"):
        workflow.article_submit(article=article, actor=users["author"])
    if stage == "under_review":
        workflow.review_assign(
            article=article,
            # high risk and label-citing: two physicians and the pharmacist
            # (editorial.workflow.quorum)
            reviewers=[members["reviewer"], members["reviewer2"], members["pharmacist"]],
            actor=users["editor"],
        )
