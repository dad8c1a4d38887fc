"""Forms of the plan workbench. Each edit form carries the version it was opened on, so a save
over someone else's newer one is refused (see views.plans._stale)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory

from plans.models import CategoryPlan, Initiative, PlanEndorsement, PlanObjective, RealisedSaving
from plans.savings import DEFAULT_STAGE_PROBABILITIES
from stakeholders.models import BusinessUnit, ValueDriver
from workbench.params import RecordIdField, RecordIdsField
from workbench.roles import PROCUREMENT_ROLES

IMPACT_CHOICES = [
    (-2, "−2 clearly worse"),
    (-1, "−1 worse"),
    (0, "0 no change"),
    (1, "+1 better"),
    (2, "+2 clearly better"),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TARGETS = ("target_hard_savings", "target_cost_avoidance", "target_revenue")
NOT_NEGATIVE = MinValueValidator(
    0, "A target cannot be negative: enter what the plan aims for, or 0 for none."
)


def money_to_cents(form):
    """Decimal starting values to the places each money field takes: a sum computed on SQLite
    comes back with eight decimals, which the form would then refuse when sent back."""
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(field, forms.DecimalField) and isinstance(value, Decimal):
            places = Decimal(1).scaleb(-(field.decimal_places or 0))
            form.initial[name] = value.quantize(places, rounding=ROUND_HALF_UP)


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CategoryPlan
        fields = [
            "category",
            "fiscal_year",
            "title",
            "summary",
            "target_hard_savings",
            "target_cost_avoidance",
            "target_revenue",
            "conflict_threshold",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"category": RecordIdField}
        help_texts = {
            "conflict_threshold": "An initiative that saves money but harms a driver an affected "
            "unit weights at or above this (0.20 = 20%) is flagged as a conflict.",
        }

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TARGETS:
            self.fields[name].validators.append(NOT_NEGATIVE)
            self.fields[name].widget.attrs["min"] = 0
        if self.instance.pk:
            del self.fields["category"]
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
            self.fields["category"].queryset = categories
            self.fields["category"].label_from_instance = lambda c: f"{'· ' * c.depth}{c}"
            self.fields["fiscal_year"].initial = datetime.date.today().year + 1

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Give the year as four digits, e.g. 2027.")
        return year

    def clean(self):
        cleaned = super().clean()
        category, year = cleaned.get("category"), cleaned.get("fiscal_year")
        if (
            category
            and year
            and CategoryPlan.objects.filter(category=category, fiscal_year=year).exists()
        ):
            raise forms.ValidationError(
                f"{category.name} already has a plan for {year}: open it instead."
            )
        return cleaned


class TransitionForm(forms.Form):
    """A workflow button: the plan's version on the page where it was pressed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


ObjectiveFormSet = inlineformset_factory(
    CategoryPlan,
    PlanObjective,
    fields=["text", "measure"],
    extra=2,
    can_delete=True,
    labels={"text": "Objective"},
)


class InitiativeForm(forms.ModelForm):
    """The initiative and its impact on each active value driver (one field per driver)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "lever",
            "hard_savings",
            "cost_avoidance",
            "revenue",
            "one_off_cost",
            "spend_affected",
            "start",
            "end",
            "owner",
            "effort",
            "risk",
            "stage",
            "cancel_reason",
            "affected_units",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "cancel_reason": forms.Textarea(attrs={"rows": 2}),
            "start": DATE,
            "end": DATE,
            "affected_units": forms.CheckboxSelectMultiple,
            "effort": forms.Select(choices=[(n, str(n)) for n in range(1, 6)]),
            "risk": forms.Select(choices=[(n, str(n)) for n in range(1, 6)]),
        }
        field_classes = {"owner": RecordIdField, "affected_units": RecordIdsField}
        labels = {"one_off_cost": "One-off cost"}
        help_texts = {
            "one_off_cost": "What it costs once to make it happen: fees, trials, switching.",
            "effort": "1 (a phone call) to 5 (a programme).",
            "risk": "1 (sure to deliver) to 5 (may well not).",
            "affected_units": "Their leads endorse the plan; their priorities weigh the "
            "initiative. By default the units that buy in the category.",
            "cancel_reason": "Needed when the stage is Cancelled.",
        }

    def __init__(self, *args, drivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        money_to_cents(self)
        self.drivers = list(drivers)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=PROCUREMENT_ROLES, is_active=True)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["affected_units"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        current = {}
        if self.instance.pk:
            current = {i.driver_id: i.impact for i in self.instance.impacts.all()}
        for driver in self.drivers:
            self.fields[self.impact_field(driver)] = forms.TypedChoiceField(
                label=f"Impact on {driver.name}",
                choices=IMPACT_CHOICES,
                coerce=int,
                initial=current.get(driver.pk, 0),
            )

    @staticmethod
    def impact_field(driver):
        return f"impact_{driver.pk}"

    def impact_fields(self):
        return [self[self.impact_field(driver)] for driver in self.drivers]

    def detail_fields(self):
        skip = {self.impact_field(driver) for driver in self.drivers} | {"version"}
        return [self[name] for name in self.fields if name not in skip]

    def impacts(self) -> dict:
        """{driver: impact} from the cleaned form."""
        return {d: self.cleaned_data[self.impact_field(d)] for d in self.drivers}


def active_drivers():
    return ValueDriver.objects.filter(active=True).order_by("order", "name")


class RealisedForm(forms.ModelForm):
    class Meta:
        model = RealisedSaving
        fields = ["period", "hard_savings", "cost_avoidance", "revenue", "note"]
        widgets = {"period": DATE}
        labels = {"period": "Month"}
        help_texts = {"period": "Any day of the month the money came in."}

    def clean_period(self):
        return self.cleaned_data["period"].replace(day=1)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(k) for k in ("hard_savings", "cost_avoidance", "revenue")):
            raise forms.ValidationError("Enter at least one amount.")
        return cleaned


class EndorsementForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=BusinessUnit.objects.none(), empty_label=None)
    decision = forms.ChoiceField(choices=PlanEndorsement.DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when you object: what would your unit lose?",
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == PlanEndorsement.OBJECT
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why your unit objects.")
        return cleaned


class SavingsWeightForm(forms.Form):
    alpha = forms.FloatField(min_value=0, max_value=1, label="α (weight of savings)")


class StageProbabilityForm(forms.Form):
    """A percentage per stage."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for stage, label in Initiative.STAGES:
            self.fields[stage] = forms.IntegerField(
                label=f"{label} (%)",
                min_value=0,
                max_value=100,
                initial=round(100 * current.get(stage, DEFAULT_STAGE_PROBABILITIES[stage])),
            )


def with_version(form_class, data, version, **kwargs):
    """The user's own input, now carrying the current version: saving again is a deliberate
    choice to put their values over the other person's."""
    data = data.copy()
    data["version"] = str(version)
    return form_class(data, **kwargs)
