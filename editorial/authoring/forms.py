"""Forms of the author UI. They parse and show errors in place; the rules that matter are
enforced again by editorial.authoring.services (a forged POST skips the form, never the service)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles.identifiers import MAX_INPUT_LENGTH
from articles.models import (
    Article,
    Audience,
    Citation,
    Risk,
    Section,
    SectionKind,
    Source,
    SourceKind,
)
from articles.source_identifiers import source_identifiers_normalize
from editorial.authoring.validation import MARKUP_RE
from reviewers.models import Specialty


def no_markup(value: str) -> None:
    if MARKUP_RE.search(value or ""):
        raise ValidationError(
            "Scripts and HTML tags are not allowed here; remove the tag (Markdown is fine)."
        )


def _html_attrs(attrs: dict) -> str:
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class DirectTextInput(forms.TextInput):
    """The same HTML as Django's template, built in Python: the editor repeats these widgets
    for every section and citation, and 1,500 template-rendered widgets took seconds."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
        if widget["value"] is not None:
            html += format_html(' value="{}"', widget["value"])
        return mark_safe(html + _html_attrs(widget["attrs"]) + ">")


class DirectTextarea(forms.Textarea):
    """Django's Textarea HTML, built in Python (see DirectTextInput)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            mark_safe(_html_attrs(widget["attrs"])),
            widget["value"] or "",
        )


class DirectSelect(forms.Select):
    """Django's Select HTML, built in Python (see DirectTextInput); no option groups."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (option["value"], mark_safe(_html_attrs(option["attrs"])), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            mark_safe(_html_attrs(widget["attrs"])),
            options,
        )


def _max(model: type[models.Model], name: str) -> int | None:
    return cast(models.Field, model._meta.get_field(name)).max_length


def _text(model: type, name: str, *, label: str, rows: int | None = None, **kwargs) -> forms.Field:
    widget = DirectTextarea(attrs={"rows": rows}) if rows else DirectTextInput()
    return forms.CharField(
        label=label,
        max_length=_max(model, name),
        validators=[no_markup],
        widget=widget,
        **{"required": False, **kwargs},
    )


def _identifier(label: str, example: str) -> forms.Field:
    """An identifier as people paste it (a PubMed address is longer than the PMID it holds):
    the form normalises it, the service checks again."""
    return forms.CharField(
        label=label,
        max_length=MAX_INPUT_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": example}),
    )


def parse_version(value: str | None) -> datetime | None:
    """The editor's version token (the article's updated_at when the page was loaded)."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


class ArticleNewForm(forms.Form):
    title = _text(
        Article,
        "title",
        label="Clinical question",
        required=True,
        help_text="Phrase it as the question a clinician asks, e.g. “What is the first-line "
        "treatment for uncomplicated cystitis in adults?”",
    )
    summary = _text(Article, "summary", label="Summary (the short answer)", rows=4)
    specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.order_by("name"), required=False, empty_label="— none —"
    )
    risk = forms.ChoiceField(
        choices=Risk.choices,
        initial=Risk.STANDARD,
        help_text="High-risk articles need more approvals and are reviewed more often.",
    )


class ArticleMetaForm(ArticleNewForm):
    plain_summary = _text(
        Article,
        "plain_summary",
        label="Plain-language summary (for patients and caregivers)",
        rows=4,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


_AUDIENCE_HELP = "The patient version is shown to readers who choose “patient or caregiver”."


class SectionForm(forms.Form):
    kind = forms.ChoiceField(choices=SectionKind.choices, label="Kind", widget=DirectSelect)
    # not required: a POST without it (an older page) keeps the section's audience
    audience = forms.ChoiceField(
        choices=Audience.choices,
        label="Written for",
        help_text=_AUDIENCE_HELP,
        required=False,
        widget=DirectSelect,
    )
    heading = _text(Section, "heading", label="Heading")
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=_max(Section, "body"),
        validators=[no_markup],
        widget=DirectTextarea(attrs={"rows": 8, "spellcheck": "true"}),
        help_text="Markdown. Cite sources as [1], [1,2] or [1-3].",
    )


class CitationForm(forms.Form):
    locator = _text(Citation, "locator", label="Where in the source")
    cited_version = _text(Citation, "cited_version", label="Pinned version")


class NewSectionForm(forms.Form):
    kind = forms.ChoiceField(choices=SectionKind.choices, label="Kind of section")
    audience = forms.ChoiceField(choices=Audience.choices, label="Written for", required=False)

    def clean_audience(self) -> str:
        return self.cleaned_data.get("audience") or Audience.CLINICIAN

    heading = _text(Section, "heading", label="Heading")


class NewCitationForm(forms.Form):
    """Cite a source picked from the library search."""

    source = forms.IntegerField(required=False, widget=forms.HiddenInput)
    locator = _text(Citation, "locator", label="Where in the source")

    def clean_source(self) -> Source | None:
        pk = self.cleaned_data.get("source")
        if pk is None:
            return None
        source = Source.objects.filter(pk=pk).first()
        if source is None:
            raise ValidationError("That source is not in the library; search again.")
        return source

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not self.errors and data.get("source") is None:
            self.add_error("source", "Pick a source from the search results first.")
        return data


class NewSourceForm(forms.Form):
    """Add a source to the library and cite it."""

    kind = forms.ChoiceField(choices=SourceKind.choices, label="Type")
    title = _text(Source, "title", label="Title", required=True)
    issuer = _text(Source, "issuer", label="Issuer or publisher")
    url = forms.URLField(
        label="Web address", required=False, max_length=_max(Source, "url"), assume_scheme="https"
    )
    doi = _identifier("DOI", "10.1056/NEJMoa1505270 or https://doi.org/…")
    pmid = _identifier("PMID", "26030518 or a PubMed address")
    pmcid = _identifier("PMCID", "PMC4615340")
    nct_id = _identifier("NCT number", "NCT01942135")
    dailymed_setid = _identifier("DailyMed set id", "a UUID or a DailyMed address")
    isbn = _identifier("ISBN", "ISBN-10 or ISBN-13; stored as ISBN-13")
    current_version = _text(Source, "current_version", label="Current version")
    locator = _text(Citation, "locator", label="Where in the source")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Autocomplete from the names already known: conflicts of interest are matched on the
        # issuer, so a misspelt manufacturer must be a deliberate choice, not a typo.
        issuer = self.fields["issuer"]
        issuer.help_text = "Pick a name already in the library where there is one."
        issuer.widget.attrs.update(
            {
                "list": "known-issuers",
                "autocomplete": "off",
                "hx-get": reverse("author:issuer_suggestions"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#known-issuers",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        self.identifier_notes: list[str] = []
        entered = {k: v for k, v in data.items() if k != "locator"}
        result = source_identifiers_normalize(entered)
        for field, messages in result.errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        if not result.errors:
            data.update({k: v for k, v in result.values.items() if k in data})
            self.identifier_notes = result.notes
        return data

    def source_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "locator"}
