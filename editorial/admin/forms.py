"""Forms for the workflow actions in the admin. They parse; the workflow decides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from articles.models import Citation, Risk
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
        decision = cleaned.get("decision")
        if (
            decision in (Decision.CHANGES_REQUESTED, Decision.DECLINED)
            and not (cleaned.get("comment") or "").strip()
        ):
            what = "what needs to change" if decision == Decision.CHANGES_REQUESTED else "why"
            self.add_error("comment", f"Please add a comment saying {what}.")
        if decision == Decision.APPROVED:
            self._approval_errors()
        return cleaned

    def _approval_errors(self) -> None:
        """The checklist's problems, each beside the field it is about."""
        checklist = self.checklist()
        for key in JAMA_BENCHMARKS:
            if checklist.get(key) is not True:
                self.add_error(key, "Confirm this to approve (or request changes).")
        if not checklist.get("grade_certainty"):
            self.add_error("grade_certainty", "Rate the certainty to approve.")
        if self.cites_label:
            concordance = checklist.get("label_concordance")
            if not concordance:
                self.add_error("label_concordance", "Confirm label concordance to approve.")
            elif (
                concordance == "off_label_flagged"
                and not (checklist.get("off_label_statements") or "").strip()
            ):
                self.add_error("off_label_statements", "List the off-label statements you checked.")
        # anything else the shared rules find (none today) stays a form-level error
        if not self.errors:
            for problem in checklist_problems(
                checklist, is_approval=True, cites_label=self.cites_label
            ):
                self.add_error(None, problem)

    def checklist(self) -> dict[str, Any]:
        keys = [*JAMA_BENCHMARKS, "grade_certainty"]
        if self.cites_label:
            keys += ["label_concordance", "off_label_statements"]
        return {key: self.cleaned_data.get(key) for key in keys}


def default_due_on() -> date:
    """The review period's last day (settings.REVIEW_DUE_DAYS from today)."""
    return timezone.localdate() + timedelta(days=settings.REVIEW_DUE_DAYS)


def due_at_from(day: date | None) -> datetime | None:
    """A due day as the end of that day, local time (None: the workflow's default)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class DueDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("The due date is in the past; pick today or later.")


class AssignForm(forms.Form):
    """Pick reviewers among the ranked suggestions; excluded members are not offered."""

    reviewers = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)
    due_at = DueDateField(
        required=False,
        label="Due on",
        help_text="The reviewers' decision is due by the end of this day.",
    )
    risk = forms.ChoiceField(
        label="Risk level (sets the quorum)", choices=Risk.choices, required=False
    )
    risk_reason = forms.CharField(
        label="Why this risk level", required=False, max_length=200,
        help_text="Needed when you set a risk other than the article's current one.",
    )  # fmt: skip

    def __init__(self, *args: Any, suggestions: Suggestions, **kwargs: Any) -> None:
        kwargs["initial"] = {"due_at": default_due_on(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        cast(forms.ChoiceField, self.fields["reviewers"]).choices = [
            (s.member.pk, str(s.member)) for s in suggestions.suggested
        ]

    def clean_reviewers(self) -> list[BoardMember]:
        by_pk = {s.member.pk: s.member for s in self.suggestions.suggested}
        return [by_pk[pk] for pk in self.cleaned_data["reviewers"]]

    def clean_due_at(self) -> datetime | None:
        return due_at_from(self.cleaned_data.get("due_at"))


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 60}))


class CitationInlineForm(forms.ModelForm):
    """Every citation pins a version: a blank pin takes the source's current version."""

    class Meta:
        model = Citation
        fields = ("number", "source", "locator", "cited_version")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        if source is not None and not (data.get("cited_version") or "").strip():
            data["cited_version"] = source.current_version
        return data
