"""The spend pages' forms: uploading a file and mapping its columns, FX rates, classifying
unclassified spend and classification rules, and a category owner's Kraljic scores."""

from django import forms
from django.conf import settings

from categories.tree import split_levels
from spend import kraljic
from spend.importing.contracts import CONTRACT_FIELDS
from spend.importing.mapping import FIELDS
from spend.importing.parsing import DATE_FORMATS, ISO_4217
from spend.importing.reading import UnreadableFile, check_file_bytes
from spend.importing.storing import import_limits
from spend.models import ColumnMapping, KraljicAssessment


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="CSV or Excel (.xlsx): payments exported from the ERP or accounts-payable "
        "system, or a contracts register.",
        allow_empty_file=True,  # a 0-byte file gets its own message from the reader
    )
    kind = forms.ChoiceField(
        label="The file holds",
        required=False,
        choices=[
            ("", "Tell from its columns"),
            ("spend", "Spend lines (payments, invoices)"),
            ("contracts", "A contracts register"),
        ],
        widget=forms.RadioSelect,
        help_text="A contracts register (reference, title, supplier, value, start and end) "
        "loads into the suppliers' contracts.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:  # the import's own limit (IMPORT_MAX_FILE_BYTES): a CSV file streams
            check_file_bytes(upload.size, import_limits())
        except UnreadableFile as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return upload


class MappingForm(forms.Form):
    """One choice per spend field among the file's headers, plus how the cells are written."""

    name = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        help_text="The source's name, e.g. “Bradford AP export”: the next file from it reuses it.",
    )

    def __init__(self, headers, *args, units=(), **kwargs):
        """`units`: (code, name) of the business units, for "one unit for every line"."""
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers if h]
        for spend_field in FIELDS:
            self.fields[f"column_{spend_field.name}"] = forms.ChoiceField(
                label=spend_field.label + (" *" if spend_field.required else ""),
                choices=choices,
                required=False,
            )
        self.fields["date_format"] = date_format_field()
        self.fields["decimal_comma"] = decimal_comma_field()
        self.fields["default_currency"] = forms.CharField(
            label="Currency of every line",
            max_length=3,
            required=False,
            help_text=f"When the file has no currency column (base currency: "
            f"{settings.BASE_CURRENCY}).",
        )
        self.fields["default_business_unit"] = forms.ChoiceField(
            label="Business unit of every line",
            required=False,
            choices=[("", "— from the business-unit column —")]
            + [(code, f"{name} ({code})") for code, name in units],
            help_text="When the file has no business-unit column (the whole file is one "
            "unit's spend), or for the lines whose unit cell is empty.",
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
            if spend_field.name == "business_unit" and cleaned.get("default_business_unit"):
                continue  # one unit for every line
            if spend_field.required and not cleaned.get(f"column_{spend_field.name}"):
                message = "Required: choose its column."
                if spend_field.name == "business_unit":
                    message = "Required: choose its column, or one unit for every line below."
                self.add_error(f"column_{spend_field.name}", message)
        if not cleaned.get("column_currency") and not cleaned.get("default_currency"):
            self.add_error("default_currency", "Choose a currency column or a currency here.")
        return cleaned

    def columns(self):
        return {
            f.name: self.cleaned_data[f"column_{f.name}"]
            for f in FIELDS
            if self.cleaned_data.get(f"column_{f.name}")
        }


def date_format_field():
    """How the file writes dates; a file's every row decides the guess (mapping.py)."""
    return forms.ChoiceField(
        choices=[
            (value, label) for value, label in ColumnMapping.DATE_FORMATS if value in DATE_FORMATS
        ],
        help_text="ISO dates (2026-01-31) are always read as well.",
    )


def decimal_comma_field():
    return forms.BooleanField(label="Amounts use a decimal comma (1.234,56)", required=False)


NEW_CATEGORY = "+new"
TOP_LEVEL = "+top"


class CategoryValueMapForm(forms.Form):
    """For each value of the file's own classification, the workbench category it means, or
    a new category named after it (under a parent the person may add to)."""

    prefix = "map"

    def __init__(self, values, categories, *args, parents=(), top_level=False, **kwargs):
        """`values`: (value, rows) of the file's category column; `categories`: (code, name)
        of the categories the person may classify into; `parents`: (code, name) of those they
        may add categories under, `top_level` whether also at the top of the tree."""
        super().__init__(*args, **kwargs)
        self.values = values
        may_create = bool(parents) or top_level
        choices = [("", "— leave unclassified —")]
        if may_create:
            choices.append((NEW_CATEGORY, "— a new category named after it —"))
        choices += [(code, f"{name} ({code})") for code, name in categories]
        for index, (value, rows) in enumerate(values):
            self.fields[f"value_{index}"] = forms.ChoiceField(
                label=value, choices=choices, required=False, help_text=f"{rows:,} rows"
            )
        if may_create:
            self.fields["new_parent"] = forms.ChoiceField(
                label="New categories go under",
                choices=([(TOP_LEVEL, "the top of the tree")] if top_level else [])
                + [(code, f"{name} ({code})") for code, name in parents],
                required=False,
            )
            self.fields["new_levels"] = forms.BooleanField(
                label="A “.” in a value separates levels (LEVEL1.LEVEL2): one category a level",
                required=False,
                initial=bool(values) and all(len(split_levels(v)) > 1 for v, _ in values),
            )
            self.fields["create_all"] = forms.BooleanField(
                label="Make a new category for every value left unclassified",
                required=False,
            )

    def value_fields(self):
        return [self[f"value_{index}"] for index in range(len(self.values))]

    def creation_fields(self):
        names = ("new_parent", "new_levels", "create_all")
        return [self[name] for name in names if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        if self.values_to_create() and not cleaned.get("new_parent"):
            self.add_error("new_parent", "Choose where the new categories go.")
        return cleaned

    def value_map(self) -> dict:
        """Value → the code of an existing category chosen for it."""
        return {
            value: self.cleaned_data[f"value_{index}"]
            for index, (value, _) in enumerate(self.values)
            if self.cleaned_data.get(f"value_{index}") not in ("", None, NEW_CATEGORY)
        }

    def values_to_create(self) -> list[str]:
        """The values that are to become categories of their own."""
        everything_left = self.cleaned_data.get("create_all")
        return [
            value
            for index, (value, _) in enumerate(self.values)
            if self.cleaned_data.get(f"value_{index}") == NEW_CATEGORY
            or (everything_left and not self.cleaned_data.get(f"value_{index}"))
        ]

    def new_parent_code(self) -> str | None:
        code = self.cleaned_data.get("new_parent")
        return None if code in (None, "", TOP_LEVEL) else code


class ContractMappingForm(forms.Form):
    """One choice per contract field among the file's headers, and how dates are written."""

    name = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        help_text="The register's source, e.g. “Salford contracts”: its next file reuses it.",
    )

    def __init__(self, headers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers if h]
        for contract_field in CONTRACT_FIELDS:
            self.fields[f"column_{contract_field.name}"] = forms.ChoiceField(
                label=contract_field.label + (" *" if contract_field.required else ""),
                choices=choices,
                required=False,
            )
        self.fields["column_end"].help_text = (
            "Needed only when the file has no current expiry date: the contract ends at its "
            "current expiry (extensions taken), else at its end date."
        )
        self.fields["date_format"] = date_format_field()
        self.fields["decimal_comma"] = decimal_comma_field()
        self.fields["store_valid_rows"] = forms.BooleanField(
            label="If some rows are wrong, store the valid rows anyway",
            required=False,
            help_text="Otherwise a register with any error stores nothing.",
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"column_{f.name}") for f in CONTRACT_FIELDS]
        chosen = [header for header in chosen if header]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Each column can hold only one field.")
        for contract_field in CONTRACT_FIELDS:
            if contract_field.name == "end" and cleaned.get("column_expiry"):
                continue
            if contract_field.required and not cleaned.get(f"column_{contract_field.name}"):
                self.add_error(f"column_{contract_field.name}", "Required: choose its column.")
        return cleaned

    def columns(self):
        return {
            f.name: self.cleaned_data[f"column_{f.name}"]
            for f in CONTRACT_FIELDS
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
