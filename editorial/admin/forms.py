"""Forms for the workflow actions in the admin. They parse; the workflow decides."""

from django import forms

from reviewers.models import BoardMember, Decision


class DecisionForm(forms.Form):
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


class AssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=BoardMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_at = forms.DateTimeField(
        required=False, help_text="Leave empty for the default review period."
    )

    def __init__(self, *args, article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = (
            BoardMember.objects.active().exclude(user_id=article.author_id).select_related("user")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 60}))
