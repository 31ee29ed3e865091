"""Section Markdown becomes safe HTML with linked citation markers; sources get their links."""

from articles.rendering import link_citation_markers, render_section, source_links


def test_markers_become_links_to_the_reference_list():
    html = render_section("Works [1, 3] and ranges [4\u20136].")
    assert '<sup class="cite">[<a href="#ref-1"' in html
    assert '<a href="#ref-3"' in html and '<a href="#ref-4"' in html and '<a href="#ref-6"' in html


def test_markdown_lists_and_emphasis_render():
    html = render_section("- **bold** item [2]\n- second")
    assert "<ul>" in html and "<strong>bold</strong>" in html and 'href="#ref-2"' in html


def test_raw_html_and_javascript_links_are_removed():
    html = render_section("<script>alert(1)</script><img src=x onerror=alert(1)> [a](javascript:x)")
    assert "<script" not in html and "<img" not in html and 'href="javascript:' not in html


def test_external_links_are_kept_with_rel():
    html = render_section("[NCCN](https://www.nccn.org/)")
    assert 'href="https://www.nccn.org/"' in html and "noopener" in html


def test_markers_inside_code_or_links_are_left_alone():
    html = link_citation_markers('<p><code>[1]</code> <a href="https://x.org">see [2]</a> [3]</p>')
    assert "<code>[1]</code>" in html and "see [2]" in html and 'href="#ref-3"' in html


def test_render_is_cached_for_the_same_text():
    render_section.cache_clear()
    render_section("Cached [1].")
    render_section("Cached [1].")
    assert render_section.cache_info().hits == 1


def test_source_links_cover_each_identifier():
    links = dict(
        (label, url)
        for label, url in source_links(
            {
                "doi": "https://doi.org/10.1056/NEJMoa1813904",
                "pmid": "31091374",
                "pmcid": "pmc123",
                "dailymed_setid": "f2c5b2a4-3c1e-4a8e-9a53-6d1f0c0b7a11",
                "nct_id": "nct02437318",
                "url": "https://www.nccn.org/guidelines",
            }
        )
    )
    assert links["doi:10.1056/NEJMoa1813904"] == "https://doi.org/10.1056/NEJMoa1813904"
    assert links["PMID 31091374"] == "https://pubmed.ncbi.nlm.nih.gov/31091374/"
    assert links["PMC123"] == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123/"
    assert links["DailyMed label"].endswith("setid=f2c5b2a4-3c1e-4a8e-9a53-6d1f0c0b7a11")
    assert links["NCT02437318"] == "https://clinicaltrials.gov/study/NCT02437318"
    assert links["www.nccn.org"] == "https://www.nccn.org/guidelines"


def test_source_links_skip_malformed_or_unsafe_values():
    assert source_links({"pmid": "12a", "nct_id": "123", "url": "javascript:alert(1)"}) == []
