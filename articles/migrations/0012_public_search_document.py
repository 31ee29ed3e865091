# Issue 21: search that understands questions.
#
# PostgreSQL: a stored generated tsvector column over the public wording (the approved
# snapshot's title A, summary B and sections C; the live title and summary of a pending
# article), kept in step by the database itself, with a GIN index; pg_trgm on the public title
# for typos (word_similarity, `<%`). The query (editorial.public.search) must use exactly
# these expressions for PostgreSQL to use the indexes; a postgres-marked test checks the plan.
# It replaces 0004's article_public_search expression index (title and summary only).
#
# SQLite (the embedded mode): an FTS5 table, public_search (rowid = article id), written by
# the workflow services that publish (editorial.public.search.search_document_store); this
# migration fills it for the articles already there.

from django.db import migrations

from articles import search_sql as sql


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in sql.PG_FORWARDS:
            schema_editor.execute(statement)
    elif connection.vendor == "sqlite":
        schema_editor.execute(sql.SQLITE_CREATE)
        Article = apps.get_model("articles", "Article")
        Section = apps.get_model("articles", "Section")
        with connection.cursor() as cursor:
            for article in Article.objects.all().iterator():
                live = Section.objects.filter(article_id=article.pk).order_by("position", "pk")
                title, summary, body = sql.public_text(
                    article.approved_snapshot,
                    article.title,
                    article.summary,
                    [{"heading": s.heading, "body": s.body} for s in live],
                )
                cursor.execute(sql.SQLITE_INSERT, [article.pk, title, summary, body])


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in sql.PG_BACKWARDS:
            schema_editor.execute(statement)
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS public_search")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_article_updated_cursor_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
