from django import forms

from categories.models import Category
from suppliers import scorecards
from suppliers.models import (
    SEGMENTS,
    Contract,
    Evaluation,
    GovernanceMeeting,
    Kpi,
    RelationshipAction,
    RelationshipPlan,
    ScorecardTemplate,
    Supplier,
    SupplierEngagement,
    SupplierIdea,
    SupplierRisk,
)
from workbench.forms import CorrectableForm

# ISO dates: a browser's date input shows nothing for a date in the page's own format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SegmentForm(forms.Form):
    segment = forms.ChoiceField(choices=SEGMENTS)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this segment: what the category manager knows that the numbers don't.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError("Say in a few words why the supplier belongs here.")
        return reason


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Supplier.objects.none(),
        label="Duplicate to fold into this supplier",
        help_text="Its spend, contracts and history move here; its name becomes an alias.",
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kept: Supplier, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.fields["duplicate"].queryset = candidates

    def clean_duplicate(self):
        duplicate = self.cleaned_data["duplicate"]
        if duplicate.pk == self.kept.pk:
            raise forms.ValidationError("Choose another supplier: this is the one kept.")
        return duplicate


class RelationshipPlanForm(forms.ModelForm):
    class Meta:
        model = RelationshipPlan
        fields = ["purpose", "supplier_contact"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class RelationshipActionForm(forms.ModelForm):
    class Meta:
        model = RelationshipAction
        fields = ["element", "objective", "action", "owner", "start", "due", "status"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "start": DATE, "due": DATE}

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start"), cleaned.get("due")
        if start and due and due < start:
            self.add_error("due", "The due date comes before the start.")
        return cleaned


class GovernanceMeetingForm(forms.ModelForm):
    class Meta:
        model = GovernanceMeeting
        fields = ["date", "kind", "attendees", "decisions", "next_meeting"]
        widgets = {
            "date": DATE,
            "next_meeting": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TemplateForm(forms.Form):
    """A template's name and a weight per KPI of the catalogue; weights sum to 100."""

    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            self.fields[f"weight_{kpi.pk}"] = forms.IntegerField(
                label=f"{kpi.name} weight", min_value=0, max_value=100, required=False
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ScorecardTemplate.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A template with this name exists.")
        return name

    def weights(self) -> dict:
        return {
            kpi: self.cleaned_data.get(f"weight_{kpi.pk}") or 0
            for kpi in self.kpis
            if self.cleaned_data.get(f"weight_{kpi.pk}")
        }

    def clean(self):
        cleaned = super().clean()
        problem = scorecards.weights_problem(self.weights().values())
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


RATINGS = [("", "Not rated"), *[(str(n), str(n)) for n in range(1, 6)]]


def add_rating_fields(form, template_weights, scores=None):
    """One 1–5 rating per KPI of the template (with the score given before, when correcting),
    and the comment after the ratings it explains."""
    for weight in template_weights:
        form.fields[f"kpi_{weight.kpi_id}"] = forms.TypedChoiceField(
            label=f"{weight.kpi.name} ({weight.weight}%)",
            choices=RATINGS,
            coerce=int,
            empty_value=None,
            required=False,
            initial=(scores or {}).get(weight.kpi_id),
            help_text=weight.kpi.description,
        )
    form.fields["comment"] = form.fields.pop("comment")


def require_a_rating(ratings: dict):
    if not any(score is not None for score in ratings.values()):
        raise forms.ValidationError("Rate at least one KPI.")


class EvaluationForm(forms.Form):
    """A rating per KPI of the template; "not rated" leaves the KPI out of the score."""

    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int)
    rate_for = forms.ChoiceField(label="Rating as")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, template, rate_for_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_weights = list(template.weights.select_related("kpi"))
        self.fields["rate_for"].choices = rate_for_choices
        add_rating_fields(self, self.template_weights)

    def ratings(self) -> dict:
        return {
            weight.kpi_id: self.cleaned_data.get(f"kpi_{weight.kpi_id}")
            for weight in self.template_weights
        }

    def clean(self):
        cleaned = super().clean()
        require_a_rating(self.ratings())
        return cleaned


class EvaluationCorrectionForm(CorrectableForm):
    """Correct an evaluation's ratings and comment; the quarter, the template and whom it
    rates for stay as recorded (rate again for another quarter)."""

    class Meta:
        model = Evaluation
        fields = ["comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_weights = list(self.instance.template.weights.select_related("kpi"))
        scores = {rating.kpi_id: rating.score for rating in self.instance.ratings.all()}
        add_rating_fields(self, self.template_weights, scores)

    def ratings(self) -> dict:
        return {
            weight.kpi: self.cleaned_data.get(f"kpi_{weight.kpi_id}")
            for weight in self.template_weights
        }

    def clean(self):
        cleaned = super().clean()
        require_a_rating(self.ratings())
        return cleaned


class ContractForm(CorrectableForm):
    class Meta:
        model = Contract
        fields = [
            "title",
            "reference",
            "categories",
            "start",
            "end",
            "value",
            "auto_renewal",
            "notice_days",
        ]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("path")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The contract ends before it starts.")
        value = cleaned.get("value")
        if value is not None and value < 0:
            self.add_error("value", "A contract value cannot be negative.")
        return cleaned


class SupplierEngagementForm(CorrectableForm):
    """Time spent with a supplier, for its engagement log."""

    class Meta:
        model = SupplierEngagement
        fields = ["date", "minutes", "people", "topic"]
        widgets = {"date": DATE}

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if not 0 < minutes <= 24 * 60:
            raise forms.ValidationError("Give the time spent in minutes, up to a day (1440).")
        return minutes


class IdeaForm(CorrectableForm):
    class Meta:
        model = SupplierIdea
        fields = ["title", "kind", "description", "estimated_value", "raised_on", "status"]
        widgets = {"raised_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class IdeaStatusForm(forms.ModelForm):
    class Meta:
        model = SupplierIdea
        fields = ["status"]


class RiskForm(CorrectableForm):
    class Meta:
        model = SupplierRisk
        fields = ["description", "likelihood", "impact", "mitigation", "raised_on", "open"]
        widgets = {"raised_on": DATE, "mitigation": forms.Textarea(attrs={"rows": 2})}
