"""Run the citation check on articles: validate_citations [--all | SLUG …]."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.citations import check_article
from editorial.workflow.citation_check import article_list_for_citation_check


class Command(BaseCommand):
    help = (
        "Check the citations of the named articles (or --all) and print their problems. "
        "Exits 1 when any article has an error, 2 on bad arguments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="article slugs")
        parser.add_argument("--all", action="store_true", help="check every article")

    def handle(self, *args, slugs: list[str], **options) -> None:
        if options["all"] == bool(slugs):
            raise CommandError("Name one or more article slugs, or pass --all.", returncode=2)
        articles = list(article_list_for_citation_check(None if options["all"] else slugs))
        missing = sorted(set(slugs) - {a.slug for a in articles})
        if missing:
            raise CommandError(f"No article with slug: {', '.join(missing)}.", returncode=2)
        failing = 0
        for article in articles:
            problems = check_article(article)
            errors = sum(p.is_error for p in problems)
            failing += errors > 0
            warnings = len(problems) - errors
            summary = f"{errors} error(s), {warnings} warning(s)" if problems else "OK"
            style = self.style.ERROR if errors else self.style.SUCCESS
            self.stdout.write(style(f"{article.slug} ({article.status}): {summary}"))
            for p in problems:
                self.stdout.write(f"  {p.severity:<7} {p.code:<34} {p.location}: {p.message}")
        if failing:
            raise CommandError(f"{failing} of {len(articles)} article(s) have citation errors.")
        self.stdout.write(f"{len(articles)} article(s) checked: no errors.")
