"""The spend cube's filters, read from the address so that a view of the cube can be shared.

`?category=PK.PRI&unit=MFG&supplier=42&start=2025-11&end=2026-10`: a category takes its whole
subtree (`category=unclassified` takes the lines without one), the period runs from the first
day of the start month to the last day of the end month. Months and ids are read by
workbench.params, so a month out of any calendar or an id too long for the database is reported
beside the filters like any other value that makes no sense.
"""

from urllib.parse import urlencode

from django import forms

from categories.models import Category
from spend.cube import CubeFilter, latest_period, month_end, month_start
from stakeholders.models import BusinessUnit
from suppliers.models import Supplier
from workbench.params import MonthField, RecordIdField

UNCLASSIFIED = "unclassified"
PARAMETERS = ("category", "unit", "supplier", "start", "end")
SUPPLIER_MATCHES_SHOWN = 12


class CubeFilterForm(forms.Form):
    category = forms.CharField(required=False)
    unit = forms.ModelChoiceField(
        BusinessUnit.objects.all(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "There is no business unit with that code."},
    )
    supplier = RecordIdField(
        Supplier.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no such supplier."},
    )
    # The supplier picker's text box: a name, or part of one, typed to find the supplier.
    supplier_search = forms.CharField(required=False, max_length=200)
    start = MonthField(required=False, label="From")
    end = MonthField(required=False, label="To")

    def clean_category(self):
        code = self.cleaned_data["category"].strip()
        if not code or code == UNCLASSIFIED:
            return code
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise forms.ValidationError(f"There is no category with the code {code!r}.")
        return category

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The period must end on or after the month it starts.")
            cleaned.pop("end", None)
        return cleaned


def cube_filter_from(params) -> tuple[CubeFilter | None, CubeFilterForm]:
    """The slice the address asks for, and the bound form (with any errors to show). A value
    that does not make sense is reported and left out, so the rest of the view still shows.
    None when there is no spend at all."""
    form = CubeFilterForm(params)
    form.is_valid()
    cleaned = {name: form.cleaned_data.get(name) for name in PARAMETERS}
    period = latest_period()
    if period is None:
        return None, form
    start = cleaned["start"] or (period.start if not cleaned["end"] else None)
    end = month_end(cleaned["end"]) if cleaned["end"] else period.end
    if start is None:  # an end month alone: the twelve months up to it
        start = month_start(end, 11)
    category = cleaned["category"]
    supplier = cleaned["supplier"]
    if "supplier_search" in params:
        supplier = supplier_typed(form.cleaned_data.get("supplier_search", ""), supplier)
    return (
        CubeFilter(
            start=start,
            end=end,
            category=category if isinstance(category, Category) else None,
            unclassified=category == UNCLASSIFIED,
            business_unit=cleaned["unit"],
            supplier=supplier,
        ),
        form,
    )


def supplier_matches(text: str):
    """Up to SUPPLIER_MATCHES_SHOWN suppliers whose name holds every word typed, by name."""
    words = (text or "").split()[:5]
    if not words:
        return Supplier.objects.none()
    matches = Supplier.objects.all()
    for word in words:
        matches = matches.filter(name__icontains=word)
    return matches.order_by("name", "pk").only("pk", "name")[:SUPPLIER_MATCHES_SHOWN]


def supplier_typed(text: str, chosen: Supplier | None) -> Supplier | None:
    """The supplier a submitted picker names: the one chosen, while its name is still in the
    box; else the only supplier whose name holds what was typed; else none (an empty box, or
    several to choose from, which the page lists)."""
    text = (text or "").strip()
    if not text:
        return None
    if chosen is not None and text.casefold() == chosen.name.casefold():
        return chosen
    exact = list(Supplier.objects.filter(name__iexact=text)[:2])
    found = exact or list(supplier_matches(text)[:2])
    return found[0] if len(found) == 1 else None


def parameters_of(cube: CubeFilter, **changes) -> dict:
    """The address parameters that give `cube`, with `changes` applied (None drops one)."""
    if cube.category is not None:
        category = cube.category.code
    else:
        category = UNCLASSIFIED if cube.unclassified else None
    values = {
        "category": category,
        "unit": cube.business_unit.code if cube.business_unit is not None else None,
        "supplier": cube.supplier.pk if cube.supplier is not None else None,
        "start": f"{cube.start:%Y-%m}",
        "end": f"{cube.end:%Y-%m}",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value not in (None, "")}


def query_of(cube: CubeFilter, **changes) -> str:
    return urlencode(parameters_of(cube, **changes))
