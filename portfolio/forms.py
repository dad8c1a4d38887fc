"""The maturity questionnaire: per dimension, the statements that climb the ladder, the level
the manager settles on and a note."""

from django import forms
from django.utils import timezone

from portfolio import maturity
from portfolio.models import MaturityDescriptor
from workbench.forms import CorrectableForm

TAKE_SUGGESTION = ""


class AssessmentForm(forms.Form):
    """Built from the model's wording (`descriptors`: {dimension key: [descriptor rows, level 1
    up]}) and the evidence ({dimension key: EvidenceItem}). `dimensions()` gives the template
    each dimension's fields with its wording, evidence and suggestion."""

    assessed_on = forms.DateField(
        label="Assessed on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="A second assessment on the same day replaces the first.",
    )

    def __init__(self, *args, dimensions, descriptors, evidence, check_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_rows = dimensions
        self.descriptors = descriptors
        self.evidence = evidence
        self.fields["assessed_on"].initial = timezone.localdate()
        for dimension in dimensions:
            key = dimension.key
            ladder = [row for row in descriptors[key] if row.level > maturity.LOWEST]
            self.fields[f"{key}_answers"] = forms.TypedMultipleChoiceField(
                label="Which of these hold today?",
                choices=[(row.level, row.question) for row in ladder],
                coerce=int,
                required=False,
                # Ticking a statement posts the form unsaved and swaps it back with the
                # suggestions moved (htmx); without JavaScript, "Update suggestions" does it.
                widget=forms.CheckboxSelectMultiple(
                    attrs={
                        "hx-post": check_url,
                        "hx-include": "closest form",
                        "hx-target": "#questionnaire",
                        "hx-swap": "outerHTML",
                    }
                ),
            )
            self.fields[f"{key}_level"] = forms.TypedChoiceField(
                label="Level",
                choices=[(TAKE_SUGGESTION, "Take the suggestion")]
                + [(level, f"{level} · {name}") for level, name in maturity.LEVELS.items()],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label="Note",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Why this level; required when it is above what the evidence shows.",
            )

    @classmethod
    def initial_from(cls, data) -> dict:
        """The submitted values as initial ones: "Update suggestions" redraws the form as
        typed so far without judging it (no errors before the manager saves)."""
        initial = {name: data.get(name, "") for name in data if not name.endswith("_answers")}
        for name in data:
            if name.endswith("_answers"):
                initial[name] = data.getlist(name)
        return initial

    def answers(self, key) -> list[bool]:
        """Yes or no per statement, level 2 up, from the submitted (or initial) answers."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            ticked = set(self.cleaned_data.get(f"{key}_answers") or [])
        else:
            raw = self[f"{key}_answers"].value() or []
            ticked = {int(value) for value in raw}
        return [level in ticked for level in range(maturity.LOWEST + 1, maturity.HIGHEST + 1)]

    def suggestion(self, key) -> int:
        return maturity.suggested_level(
            maturity.answers_level(self.answers(key)), self.evidence[key].level
        )

    def clean(self):
        cleaned = super().clean()
        for dimension in self.dimension_rows:
            key = dimension.key
            level = cleaned.get(f"{key}_level") or self.suggestion(key)
            if (
                maturity.needs_note(level, self.evidence[key].level)
                and not (cleaned.get(f"{key}_note") or "").strip()
            ):
                self.add_error(
                    f"{key}_note",
                    f"Level {level} is above the {self.evidence[key].level} the evidence shows: "
                    "say what the data does not see.",
                )
        return cleaned

    def dimensions(self):
        for dimension in self.dimension_rows:
            key = dimension.key
            answers = self.answers(key)
            yield {
                "dimension": dimension,
                "descriptors": self.descriptors[key],
                "evidence": self.evidence[key],
                "answers_field": self[f"{key}_answers"],
                "level_field": self[f"{key}_level"],
                "note_field": self[f"{key}_note"],
                "answers_level": maturity.answers_level(answers),
                "suggested": self.suggestion(key),
            }

    def scores(self) -> list[dict]:
        """What to store per dimension once valid."""
        rows = []
        for dimension in self.dimension_rows:
            key = dimension.key
            evidence = self.evidence[key]
            suggested = self.suggestion(key)
            rows.append(
                {
                    "dimension": dimension,
                    "answers": self.answers(key),
                    "evidence": evidence.reason,
                    "evidence_level": evidence.level,
                    "suggested_level": suggested,
                    "level": self.cleaned_data.get(f"{key}_level") or suggested,
                    "note": self.cleaned_data.get(f"{key}_note", "").strip(),
                }
            )
        return rows


class MaturityDescriptorForm(CorrectableForm):
    """An administrator's correction to what a level looks like on a dimension, and the
    statement a manager answers to reach it."""

    class Meta:
        model = MaturityDescriptor
        fields = ["descriptor", "question"]
        widgets = {"descriptor": forms.Textarea(attrs={"rows": 3})}
