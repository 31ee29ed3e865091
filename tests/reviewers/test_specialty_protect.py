"""Issue 15: a specialty in use cannot be deleted (it used to vanish from approved articles
with no history row)."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from editorial.audit.verify import audit_verify
from reviewers.models import Specialty
from tests.factories import ArticleFactory, BoardMemberFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


def test_a_specialty_an_article_refers_to_cannot_be_deleted():
    specialty = SpecialtyFactory()
    article = ArticleFactory(specialty=specialty)
    with pytest.raises(ProtectedError), transaction.atomic():
        specialty.delete()
    article.refresh_from_db()
    assert article.specialty == specialty


def test_a_specialty_a_board_member_holds_cannot_be_deleted():
    specialty = SpecialtyFactory()
    member = BoardMemberFactory()
    member.specialties.add(specialty)
    with pytest.raises(ProtectedError, match="held by board members"), transaction.atomic():
        specialty.delete()
    assert list(member.specialties.all()) == [specialty]


def test_the_admin_lists_what_holds_the_specialty_and_deletes_nothing(admin_client):
    specialty = SpecialtyFactory(name="Cardiology")
    BoardMemberFactory().specialties.add(specialty)
    ArticleFactory(specialty=specialty)
    url = reverse("admin:reviewers_specialty_delete", args=[specialty.pk])
    page = admin_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "Board member:" in page
    admin_client.post(url, {"post": "yes"})
    assert Specialty.objects.filter(pk=specialty.pk).exists()


def test_an_unused_specialty_can_be_deleted_and_its_history_stays_chained():
    specialty = SpecialtyFactory()
    pk = specialty.pk
    specialty.delete()
    assert Specialty.history.filter(id=pk, history_type="-").exists()
    assert audit_verify().is_ok
