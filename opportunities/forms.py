from django import forms

from opportunities.models import DuplicateReview


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DuplicateReview.DECISIONS)
    note = forms.CharField(
        max_length=300,
        required=False,
        help_text="E.g. the credit note that recovered it, or why the two are different.",
    )
