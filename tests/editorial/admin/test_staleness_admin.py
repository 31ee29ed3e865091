"""Staleness in the admin: record a version on a source's page, import a CSV (all or nothing),
resolve flags; pages keep a constant number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Citation, RegistryFinding, SourceVersion
from editorial.models import StalenessFlag
from editorial.staleness.services import source_record_version
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def cited_source(**fields):
    source = SourceFactory(current_version="1", **fields)
    article = ArticleFactory(approved=True)
    Citation.objects.create(article=article, number=2, source=source)
    return source, article


def upload(client, text: str):
    file = SimpleUploadedFile("versions.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("admin:articles_source_import_versions"), {"file": file})


def test_editor_records_a_version_on_the_source_page(client, editor):
    source, article = cited_source()
    client.force_login(editor)

    page = client.get(reverse("admin:articles_source_change", args=[source.pk]))
    assert b"Record new version" in page.content
    response = client.post(
        reverse("admin:articles_source_record_version", args=[source.pk]),
        {"version": "2", "effective_on": "2026-11-01", "note": "annual update"},
        follow=True,
    )

    assert b"1 approved article(s) flagged stale" in response.content
    article.refresh_from_db()
    assert article.status == "stale"
    assert SourceVersion.objects.get(source=source).recorded_by == editor


def test_source_page_lists_versions_read_only_and_version_fields_cannot_be_edited(client, editor):
    source, _ = cited_source()
    source_record_version(source=source, version="2", actor=editor)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_source_change", args=[source.pk]))

    assert page.status_code == 200
    assert b"<td>2</td>" in page.content and b"By hand" in page.content
    assert b'name="current_version"' not in page.content  # read-only: the service moves it


def test_author_cannot_record_a_version(client, author):
    source, article = cited_source()
    client.force_login(author)

    response = client.post(
        reverse("admin:articles_source_record_version", args=[source.pk]), {"version": "2"}
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "approved"


def test_csv_import_records_every_row_and_flags_articles(client, editor):
    nice, nice_article = cited_source(doi="10.1000/NICE.1")
    label, label_article = cited_source(doi="", dailymed_setid="abc-123")
    client.force_login(editor)

    response = upload(
        client, "identifier,version,date\n10.1000/nice.1,2026.1,2026-11-20\nabc-123,7,\n"
    )

    assert response.status_code == 302
    nice.refresh_from_db()
    label.refresh_from_db()
    assert (nice.current_version, str(nice.version_date)) == ("2026.1", "2026-11-20")
    assert label.current_version == "7"
    for article in (nice_article, label_article):
        article.refresh_from_db()
        assert article.status == "stale"


def test_csv_with_a_bad_row_reports_each_problem_and_records_nothing(client, editor):
    good, article = cited_source(pmid="123456")
    client.force_login(editor)

    response = upload(client, "123456,2,2026-11-20\nno-such-id,3,2026-11-20\n123456,4,20/11/2026\n")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported." in content
    assert "Row 2: no source has the identifier “no-such-id”." in content
    assert "Row 3: “20/11/2026” is not a date like 2026-11-24." in content
    good.refresh_from_db()
    article.refresh_from_db()
    assert (good.current_version, article.status) == ("1", "approved")
    assert not SourceVersion.objects.exists()


def test_csv_naming_one_source_twice_is_refused(client, editor):
    cited_source(pmid="42")
    client.force_login(editor)

    response = upload(client, "42,2,\n42,3,\n")

    assert "Row 2: " in response.content.decode() and not SourceVersion.objects.exists()


def test_resolving_a_flag_from_the_admin(client, editor):
    source, article = cited_source()
    source_record_version(source=source, version="2", actor=editor)
    flag = StalenessFlag.objects.get()
    client.force_login(editor)

    url = reverse("admin:editorial_stalenessflag_resolve")
    assert b"Confirmed still accurate" in client.get(f"{url}?ids={flag.pk}").content
    response = client.post(
        url, {"ids": str(flag.pk), "resolution": "revised", "note": "Dose changed."}, follow=True
    )

    assert b"1 article(s) resolved." in response.content
    flag.refresh_from_db()
    article.refresh_from_db()
    assert (flag.resolution, flag.resolved_by, article.status) == ("revised", editor, "draft")


def test_flag_list_queries_do_not_grow_with_rows(client, editor, django_assert_max_num_queries):
    source = SourceFactory(current_version="1")
    for _ in range(3):
        article = ArticleFactory(approved=True)
        Citation.objects.create(article=article, number=2, source=source)
    source_record_version(source=source, version="2", actor=editor)
    client.force_login(editor)
    url = reverse("admin:editorial_stalenessflag_changelist")
    client.get(url)  # warm the session and content types

    # session, user, 2 permission queries, count, total count, the admin site's board-member
    # lookup, the flags (joined to article, source and resolver), date hierarchy min/max and
    # days, the reason filter's values: 11, whatever the number of flags.
    with django_assert_max_num_queries(11) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        article = ArticleFactory(approved=True)
        Citation.objects.create(article=article, number=2, source=source)
    source_record_version(source=source, version="3", actor=editor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    # 3 flags for version 2; version 3 flags the 5 new articles and the 3 already stale
    assert page.content.count(b'class="action-select"') == 11


def test_source_page_queries_do_not_grow_with_versions(
    client, editor, django_assert_max_num_queries
):
    source, _ = cited_source()
    source_record_version(source=source, version="2", actor=editor)
    client.force_login(editor)
    url = reverse("admin:articles_source_change", args=[source.pk])
    client.get(url)

    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for n in range(3, 10):
        source_record_version(source=source, version=str(n), actor=editor)
        for registry in ("Crossref", "PubMed"):
            RegistryFinding.objects.create(
                source=source, resolver=f"x.{registry}", registry=registry,
                identifier=source.doi, outcome="mismatch", matched_title=f"Other {n}",
            )  # fmt: skip
    # session, user, 2 permission queries, the source, its versions (joined to the recorder),
    # its latest registry findings, the admin site's board-member lookup: 8, whatever the
    # number of versions and findings
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.count(b"By hand") == 8
    # the latest finding of each registry only
    assert page.content.count(b"Does not match the record") == 2
    assert b"Other 9" in page.content and b"Other 8" not in page.content


def test_resolve_page_queries_do_not_grow_with_selected_flags(
    client, editor, django_assert_max_num_queries
):
    source = SourceFactory(current_version="1")
    for _ in range(2):
        Citation.objects.create(article=ArticleFactory(approved=True), number=2, source=source)
    source_record_version(source=source, version="2", actor=editor)
    client.force_login(editor)
    url = reverse("admin:editorial_stalenessflag_resolve")

    def ids() -> str:
        return ",".join(str(pk) for pk in StalenessFlag.objects.values_list("pk", flat=True))

    client.get(f"{url}?ids={ids()}")

    # session, user, the flags joined to article and source, 2 permission queries (the
    # admin's app list), the admin site's board-member lookup: 6, however many flags
    first = f"{url}?ids={ids()}"
    with django_assert_max_num_queries(6) as few:
        client.get(first)
    for _ in range(4):
        Citation.objects.create(article=ArticleFactory(approved=True), number=2, source=source)
    source_record_version(source=source, version="3", actor=editor)
    more = f"{url}?ids={ids()}"
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(more)
    assert page.content.count(b"<tr><td>") == StalenessFlag.objects.count() == 8


def test_stale_article_page_says_why_and_links_to_resolve(client, editor):
    source, article = cited_source(title="ESC heart failure guideline")
    source_record_version(source=source, version="2", actor=editor)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    content = page.content.decode()
    assert "Why this article is stale" in content
    assert "source changed — ESC heart failure guideline (1 → 2)" in content
    flag = article.staleness_flags.get()
    assert f"{reverse('admin:editorial_stalenessflag_resolve')}?ids={flag.pk}" in content
