"""The spend pages' forms: uploading a file and mapping its columns, FX rates, classifying
unclassified spend and classification rules, and a category owner's Kraljic scores."""

from django import forms
from django.conf import settings

from spend import kraljic
from spend.importing.mapping import FIELDS
from spend.importing.parsing import DATE_FORMATS, ISO_4217
from spend.models import ColumnMapping, KraljicAssessment

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spend file",
        help_text="CSV or Excel (.xlsx) export from the ERP or accounts-payable system.",
        allow_empty_file=True,  # a 0-byte file gets its own message from the reader
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB: split it by month.")
        return upload


class MappingForm(forms.Form):
    """One choice per spend field among the file's headers, plus how the cells are written."""

    name = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        help_text="The source's name, e.g. “Bradford AP export”: the next file from it reuses it.",
    )

    def __init__(self, headers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers if h]
        for spend_field in FIELDS:
            self.fields[f"column_{spend_field.name}"] = forms.ChoiceField(
                label=spend_field.label + (" *" if spend_field.required else ""),
                choices=choices,
                required=False,
            )
        self.fields["date_format"] = forms.ChoiceField(
            choices=[
                (value, label)
                for value, label in ColumnMapping.DATE_FORMATS
                if value in DATE_FORMATS
            ],
            help_text="ISO dates (2026-01-31) are always read as well.",
        )
        self.fields["decimal_comma"] = forms.BooleanField(
            label="Amounts use a decimal comma (1.234,56)", required=False
        )
        self.fields["default_currency"] = forms.CharField(
            label="Currency of every line",
            max_length=3,
            required=False,
            help_text=f"When the file has no currency column (base currency: "
            f"{settings.BASE_CURRENCY}).",
        )
        self.fields["create_missing_units"] = forms.BooleanField(
            label="Create missing business units",
            required=False,
            help_text="A unit name the file uses that does not exist yet becomes a new business "
            "unit (listed in the result) instead of a row error.",
        )
        self.fields["store_valid_rows"] = forms.BooleanField(
            label="If some rows are wrong, store the valid rows anyway",
            required=False,
            help_text="Otherwise a file with any error stores nothing.",
        )

    def clean_default_currency(self):
        code = self.cleaned_data["default_currency"].strip().upper()
        if code and code not in ISO_4217:
            raise forms.ValidationError(f"{code} is not an ISO 4217 currency code.")
        return code

    def clean(self):
        cleaned = super().clean()
        chosen = [
            cleaned.get(f"column_{f.name}") for f in FIELDS if cleaned.get(f"column_{f.name}")
        ]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Each column can hold only one field.")
        for spend_field in FIELDS:
            if spend_field.required and not cleaned.get(f"column_{spend_field.name}"):
                self.add_error(f"column_{spend_field.name}", "Required: choose its column.")
        if not cleaned.get("column_currency") and not cleaned.get("default_currency"):
            self.add_error("default_currency", "Choose a currency column or a currency here.")
        return cleaned

    def columns(self):
        return {
            f.name: self.cleaned_data[f"column_{f.name}"]
            for f in FIELDS
            if self.cleaned_data.get(f"column_{f.name}")
        }


class RatesUploadForm(forms.Form):
    file = forms.FileField(
        label="FX rates file",
        help_text="CSV with columns currency, month (YYYY-MM) and rate: how many "
        f"{settings.BASE_CURRENCY} one unit of the currency was worth that month.",
    )


class ClassifyForm(forms.Form):
    category = forms.CharField(label="Category code", max_length=40)


class RuleForm(forms.Form):
    """A GL-account or keyword rule; supplier rules come from the unclassified-spend page."""

    kind = forms.ChoiceField(
        choices=[("gl_account", "GL account"), ("keyword", "Keyword in the description")]
    )
    value = forms.CharField(
        label="GL account or keyword", max_length=100, help_text="e.g. 6100, or “toner”."
    )
    category = forms.CharField(label="Category code", max_length=40)

    def clean_value(self):
        return " ".join(self.cleaned_data["value"].split())


KRALJIC_SCORES = [(score, str(score)) for score in range(kraljic.LOWEST, kraljic.HIGHEST + 1)]


class KraljicAssessmentForm(forms.ModelForm):
    class Meta:
        model = KraljicAssessment
        fields = ["profit_impact", "supply_risk", "reason"]
        widgets = {
            "profit_impact": forms.Select(choices=KRALJIC_SCORES),
            "supply_risk": forms.Select(choices=KRALJIC_SCORES),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "reason": {"required": "Say why the data's suggestion does not fit this category."}
        }
