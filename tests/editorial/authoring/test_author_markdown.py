"""Section Markdown: rendered, sanitised, with citation markers linked to their citations."""

from editorial.authoring.preview import render_markdown


def test_raw_html_and_scripts_are_shown_as_text_never_run():
    html = render_markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_dropped_and_safe_links_kept():
    html = render_markdown("[bad](javascript:alert(1)) [good](https://example.org)")
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html


def test_markdown_formatting_and_tables_render():
    html = render_markdown("**Dose** and *note*\n\n| a | b |\n|---|:-:|\n| 1 | 2 |")
    assert "<strong>Dose</strong>" in html
    assert "<em>note</em>" in html
    assert '<td style="text-align:center">2</td>' in html


def test_markers_link_to_their_citation_and_unknown_ones_are_flagged():
    html = render_markdown("Cited [1]; missing [2, 3].", {1: "citation-10", 2: "citation-11"})
    assert '<a class="marker" href="#citation-10">[1]</a>' in html
    assert 'title="No citation numbered 3"' in html
    assert "marker--missing" in html
