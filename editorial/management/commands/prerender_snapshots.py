"""Store the rendered article body in approved snapshots that lack it: prerender_snapshots."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from editorial.public.render import approved_snapshots_prerender


class Command(BaseCommand):
    help = (
        "Render the body (sections, references) of every approved snapshot that has no current "
        "rendering, so public pages do no Markdown work. Run after every deploy (the compose "
        "migrate job does): a release that changes how bodies are rendered changes "
        "editorial.public.render.render_version(), and pages render on the fly until then."
    )

    def handle(self, *args, **options) -> None:
        written = approved_snapshots_prerender()
        self.stdout.write(f"{written} approved snapshot(s) rendered.")
