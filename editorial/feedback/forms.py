"""The reader's feedback form: what the page shows and the first line of validation (the
service validates again: it is the rule on every path)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from editorial.models import FeedbackKind

HONEYPOT = "website"


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is your note about?",
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your note is about."},
    )
    message = forms.CharField(
        label="Your question or the problem",
        max_length=settings.FEEDBACK_MESSAGE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={
            "required": "Write your question or describe the problem.",
            "max_length": "Keep it under %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    email = forms.EmailField(
        label="Your email (optional, only if you want a reply)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter a valid email address, or leave it empty."},
    )
    # the version of the article the reader saw (its content hash, carried from the page)
    v = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # a field people never see: bots fill it in
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
