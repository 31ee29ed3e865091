"""Forms for the workflow actions in the admin. They parse; the workflow decides."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from editorial.workflow.checklist import (
    GRADE_CERTAINTY,
    JAMA_BENCHMARKS,
    LABEL_CONCORDANCE,
    checklist_problems,
)
from reviewers.models import BoardMember, Decision
from reviewers.selectors import Suggestions


class DecisionForm(forms.Form):
    """A signed decision: the signer re-enters their password (21 CFR 11.200: each signing
    is authenticated), and an approval carries the reviewer's checklist."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVED, "Approve"),
            (Decision.CHANGES_REQUESTED, "Request changes"),
            (Decision.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        help_text="Required when requesting changes or declining.",
    )
    change_summary = forms.CharField(
        label="What changed (shown to readers when you approve a revision)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Prefilled from the sections that differ from the last approved version.",
    )
    authorship = forms.BooleanField(required=False, label=JAMA_BENCHMARKS["authorship"])
    attribution = forms.BooleanField(required=False, label=JAMA_BENCHMARKS["attribution"])
    disclosure = forms.BooleanField(required=False, label=JAMA_BENCHMARKS["disclosure"])
    currency = forms.BooleanField(required=False, label=JAMA_BENCHMARKS["currency"])
    grade_certainty = forms.ChoiceField(
        required=False,
        label="Certainty of the main recommendation (GRADE)",
        choices=[("", "—"), *GRADE_CERTAINTY.items()],
    )
    label_concordance = forms.ChoiceField(
        required=False,
        label="Label concordance",
        choices=[("", "—"), *LABEL_CONCORDANCE.items()],
    )
    off_label_statements = forms.CharField(
        required=False,
        max_length=2000,
        label="Off-label statements flagged",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    password = forms.CharField(
        label="Your password (signs the decision)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(
        self,
        *args: Any,
        user: Any = None,
        request: HttpRequest | None = None,
        cites_label: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.cites_label = cites_label
        if not cites_label:
            del self.fields["label_concordance"]
            del self.fields["off_label_statements"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        signer = None
        if self.user is not None and self.user.is_authenticated:
            signer = authenticate(
                self.request, username=self.user.get_username(), password=password
            )
        if signer is None or signer.pk != self.user.pk:
            raise forms.ValidationError("Your password was not correct; nothing was recorded.")
        return password

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == Decision.APPROVED:
            for problem in checklist_problems(
                self.checklist(), is_approval=True, cites_label=self.cites_label
            ):
                self.add_error(None, problem)
        return cleaned

    def checklist(self) -> dict[str, Any]:
        keys = [*JAMA_BENCHMARKS, "grade_certainty"]
        if self.cites_label:
            keys += ["label_concordance", "off_label_statements"]
        return {key: self.cleaned_data.get(key) for key in keys}


class AssignForm(forms.Form):
    """Pick reviewers among the ranked suggestions; excluded members are not offered."""

    reviewers = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)
    due_at = forms.DateTimeField(
        required=False, help_text="Leave empty for the default review period."
    )

    def __init__(self, *args: Any, suggestions: Suggestions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        cast(forms.ChoiceField, self.fields["reviewers"]).choices = [
            (s.member.pk, str(s.member)) for s in suggestions.suggested
        ]

    def clean_reviewers(self) -> list[BoardMember]:
        by_pk = {s.member.pk: s.member for s in self.suggestions.suggested}
        return [by_pk[pk] for pk in self.cleaned_data["reviewers"]]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 60}))
