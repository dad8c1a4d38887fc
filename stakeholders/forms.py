"""Forms for priorities, survey answers, rounds, agreements and the engagement log. Each form
builds its fields from the value-driver catalogue it is given, so the page and the validation
agree on the drivers."""

from fractions import Fraction
from itertools import combinations

from django import forms

from stakeholders import ahp
from stakeholders.models import (
    AgreementMeasure,
    ConcernResponse,
    EngagementEntry,
    ServiceAgreement,
    SurveyRound,
    ValueDriver,
)
from stakeholders.priorities import POINTS_TOTAL, PointsError, weights_from_points
from workbench.forms import CorrectableForm


class PointsForm(forms.Form):
    """100 points over the drivers; any other total is refused."""

    def __init__(self, drivers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drivers = list(drivers)
        for driver in self.drivers:
            self.fields[f"driver-{driver.pk}"] = forms.IntegerField(
                label=driver.name, min_value=0, max_value=POINTS_TOTAL, initial=0
            )

    def points(self) -> dict:
        return {driver: self.cleaned_data.get(f"driver-{driver.pk}") for driver in self.drivers}

    def running_total(self) -> int:
        """The total of what is typed so far, for the live counter (blanks count as zero)."""
        total = 0
        for driver in self.drivers:
            name = f"driver-{driver.pk}"
            value = (
                self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
            )
            try:
                total += int(value or 0)
            except ValueError:
                pass  # a half-typed entry: the field's own error says so on saving
        return total

    def points_left(self) -> int:
        return POINTS_TOTAL - self.running_total()

    def points_over(self) -> int:
        return -self.points_left()

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.weights = weights_from_points(self.points())
            except PointsError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


def _scale_choices(left: str, right: str):
    """Saaty's scale as one choice per judgement, from the left driver's side: '9' means the
    left driver is extremely more important, '1/9' that the right one is."""
    words = {1: "equally", 3: "moderately", 5: "strongly", 7: "very strongly", 9: "extremely"}
    choices = []
    for value in range(9, 1, -1):
        label = words.get(value, "")
        choices.append((str(value), f"{left} {value}× {label} more important".replace("  ", " ")))
    choices.append(("1", "Equally important"))
    for value in range(2, 10):
        label = words.get(value, "")
        choices.append(
            (f"1/{value}", f"{right} {value}× {label} more important".replace("  ", " "))
        )
    return choices


def judgement_value(text: str) -> float:
    return float(Fraction(text))


def judgement_text(value: float) -> str:
    if value >= 1:
        return str(round(value))
    return f"1/{round(1 / value)}"


class PairwiseForm(forms.Form):
    """One judgement on Saaty's 1-9 scale per pair of drivers."""

    def __init__(self, drivers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drivers = list(drivers)
        self.pairs = list(combinations(range(len(self.drivers)), 2))
        for i, j in self.pairs:
            left, right = self.drivers[i], self.drivers[j]
            self.fields[self.pair_name(i, j)] = forms.ChoiceField(
                label=f"{left.name} or {right.name}?",
                choices=_scale_choices(left.name, right.name),
                initial="1",
            )

    def pair_name(self, i: int, j: int) -> str:
        return f"pair-{self.drivers[i].pk}-{self.drivers[j].pk}"

    def rows(self):
        """(left driver, right driver, bound field) for the template."""
        return [
            (self.drivers[i], self.drivers[j], self[self.pair_name(i, j)]) for i, j in self.pairs
        ]

    def matrix(self):
        judgements = {
            (i, j): judgement_value(self.cleaned_data[self.pair_name(i, j)]) for i, j in self.pairs
        }
        return ahp.matrix_from_judgements(len(self.drivers), judgements)

    def comparisons(self) -> dict:
        """The judgements as stored: {"<id>,<id>": a_ij}."""
        return {
            f"{self.drivers[i].pk},{self.drivers[j].pk}": judgement_value(
                self.cleaned_data[self.pair_name(i, j)]
            )
            for i, j in self.pairs
        }

    @classmethod
    def initial_from(cls, drivers, comparisons: dict) -> dict:
        initial = {}
        for key, value in comparisons.items():
            initial[f"pair-{key.replace(',', '-')}"] = judgement_text(value)
        return initial


LEVELS = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class ResponseForm(forms.Form):
    """Importance and satisfaction 1..5 per driver, recommend 0..10 and a comment. A draft may
    be partly filled; a submitted answer must be complete."""

    recommend = forms.TypedChoiceField(
        label="How likely are you to recommend working with procurement on this category?",
        choices=[("", "—")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="0 = not at all likely, 10 = extremely likely.",
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, drivers, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.drivers = list(drivers)
        self.submitting = submitting
        for driver in self.drivers:
            for aspect in ("importance", "satisfaction"):
                self.fields[f"{aspect}-{driver.pk}"] = forms.TypedChoiceField(
                    label=f"{driver.name}: {aspect}",
                    choices=LEVELS,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def rows(self):
        return [
            (driver, self[f"importance-{driver.pk}"], self[f"satisfaction-{driver.pk}"])
            for driver in self.drivers
        ]

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            missing = [name for name, value in cleaned.items() if value is None]
            for name in missing:
                self.add_error(name, "Needed before the answer can be submitted.")
        return cleaned

    @staticmethod
    def initial_from(response) -> dict:
        """The answer as given so far (nothing before the first save)."""
        if response is None:
            return {}
        initial = {"recommend": response.recommend, "comment": response.comment}
        for driver_id, importance, level in response.ratings.values_list(
            "driver_id", "importance", "satisfaction"
        ):
            initial[f"importance-{driver_id}"] = importance
            initial[f"satisfaction-{driver_id}"] = level
        return initial

    def ratings(self):
        return {
            driver: (
                self.cleaned_data.get(f"importance-{driver.pk}"),
                self.cleaned_data.get(f"satisfaction-{driver.pk}"),
            )
            for driver in self.drivers
        }


class RoundForm(forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields = ["name", "opens_on", "closes_on", "anonymous", "units", "categories"]
        widgets = {
            "opens_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "closes_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "units": forms.CheckboxSelectMultiple,
            "categories": forms.SelectMultiple(attrs={"size": 12}),
        }

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The round cannot close before it opens.")
        return cleaned


class MeasureResultForm(forms.Form):
    """The actual of one measure for a month; recording a month again corrects it."""

    measure = forms.ModelChoiceField(queryset=None)
    period = forms.DateField(
        help_text="Any day of the month; it is kept as the month.",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    actual = forms.DecimalField(max_digits=12, decimal_places=2)

    def __init__(self, agreement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = agreement.measures.all()

    def clean_period(self):
        return self.cleaned_data["period"].replace(day=1)


class UnitEngagementForm(CorrectableForm):
    """Time procurement spent with a business unit, for the engagement log."""

    class Meta:
        model = EngagementEntry
        fields = ["date", "unit", "category", "minutes", "people", "topic"]
        widgets = {"date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
        help_texts = {"minutes": "How long, in minutes."}


class PeriodForm(forms.Form):
    start = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class AgreementForm(CorrectableForm):
    class Meta:
        model = ServiceAgreement
        fields = ["unit", "title", "objectives", "starts_on", "ends_on", "procurement_contact"]
        widgets = {
            "starts_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "ends_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The agreement cannot end before it starts.")
        return cleaned


class ValueDriverForm(CorrectableForm):
    """An administrator's correction to the catalogue: wording, order, or retiring a driver
    (units' weights over a retired driver stay on record; new priorities leave it out)."""

    class Meta:
        model = ValueDriver
        fields = ["name", "description", "order", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"active": "In use (untick to retire it)"}


class MeasureForm(CorrectableForm):
    """Correcting one measure of an agreement: a renegotiated target, a clearer name."""

    class Meta:
        model = AgreementMeasure
        fields = ["name", "target", "higher_is_better"]


MeasureFormSet = forms.inlineformset_factory(
    ServiceAgreement,
    AgreementMeasure,
    fields=["name", "target", "higher_is_better"],
    extra=3,
    min_num=1,
    validate_min=True,
    can_delete=False,
)


class ConcernResponseForm(forms.ModelForm):
    """What the category's manager will do about a concern, by when, or why not; and, once
    done, when. The links offered are the category's own initiatives, the unit's service
    agreement measures (named rounds only: a measure is one unit's) and the relationship-plan
    actions of suppliers the category buys from."""

    class Meta:
        model = ConcernResponse
        fields = [
            "decision",
            "action",
            "due_on",
            "initiative",
            "measure",
            "relationship_action",
            "done_on",
        ]
        labels = {
            "decision": "Our response",
            "action": "What we will do, or why we will not",
            "due_on": "Done by",
            "initiative": "Carried out through an initiative",
            "measure": "Or a service agreement measure",
            "relationship_action": "Or a relationship-plan action",
            "done_on": "Done on",
        }
        help_texts = {
            "done_on": "Fill in once it is done: the unit is then asked whether it "
            "addressed what they said."
        }
        widgets = {
            "decision": forms.RadioSelect,
            "action": forms.Textarea(attrs={"rows": 4}),
            "due_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "done_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }

    def __init__(self, *args, initiatives, measures, relationship_actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = initiatives
        self.fields["measure"].queryset = measures
        self.fields["relationship_action"].queryset = relationship_actions
        if not measures.exists():
            del self.fields["measure"]

    def clean(self):
        cleaned = super().clean()
        acting = cleaned.get("decision") == ConcernResponse.ACT
        if acting and not cleaned.get("due_on"):
            self.add_error("due_on", "Say by when it will be done.")
        if not acting:
            for name in ("due_on", "done_on", "initiative", "measure", "relationship_action"):
                if cleaned.get(name):
                    self.add_error(name, "Leave this empty when you will not act.")
        return cleaned


class ConcernVerdictForm(forms.Form):
    addressed = forms.TypedChoiceField(
        choices=[("yes", "It addressed what we said"), ("no", "It did not")],
        coerce=lambda value: value == "yes",
    )
    unit = forms.IntegerField(required=False)
