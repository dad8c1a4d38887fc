"""Value-driver priorities: a unit lead weighs the drivers for each category the unit buys (100
points or pairwise comparisons); procurement reads a category's combined weights."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from categories.models import Category
from spend import cube
from stakeholders import ahp, charts, disclosure, queries, services
from stakeholders.forms import PairwiseForm, PointsForm, judgement_text
from stakeholders.models import Priority, ValueDriver
from stakeholders.priorities import combined_weights, disagreements
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    editable_unit_for_user,
    may_change_unit,
    may_compare_unit_priorities,
    reads_units_one_by_one,
    require_procurement,
    visible_units,
)


def priority_list(request):
    """The categories a unit buys and whether it has weighed the drivers for each. A unit lead
    sees their own units; procurement may look at any unit and at the categories covered."""
    units = list(visible_units(request.user))
    selected = next((u for u in units if u.code == request.GET.get("unit")), None)
    selected = selected or (units[0] if units else None)
    period = cube.latest_period()
    context = {
        "units": units,
        "unit": selected,
        "may_change": selected is not None and may_change_unit(request.user, selected),
        "categories": list(queries.categories_bought_by(selected, period)) if selected else [],
        "period": period,
        "currency": settings.BASE_CURRENCY,
        "limit": ahp.CONSISTENCY_LIMIT,
        "covered": (
            queries.categories_with_priorities()
            if may_compare_unit_priorities(request.user)
            else []
        ),
    }
    if request.GET.get("format") in EXPORT_FORMATS and selected:
        return export_table(
            request.GET["format"],
            f"priorities-{selected.code}",
            queries.PRIORITY_COLUMNS,
            context["categories"],
        )
    return render(request, "stakeholders/priority_list.html", context)


def _drivers():
    return list(ValueDriver.objects.filter(active=True))


def priority_edit(request, code, category_code):
    """Give or change a unit's weights for one category, by points or by pairwise comparison.

    htmx posts each keystroke (`preview`) to show the running points total or the consistency
    of the comparisons so far; without JavaScript the "Check" button posts the same `preview`
    and gets the whole page back with it. Only "Save priorities" saves."""
    unit = editable_unit_for_user(request, code)
    category = get_object_or_404(Category, code=category_code, parent__isnull=True)
    drivers = _drivers()
    priority = Priority.objects.filter(unit=unit, category=category).first()
    method = request.GET.get("method") or request.POST.get("method")
    if method not in (Priority.POINTS, Priority.PAIRWISE):
        method = priority.method if priority else Priority.POINTS
    form_class = PointsForm if method == Priority.POINTS else PairwiseForm
    initial = _initial(priority, method, drivers)
    form = form_class(drivers, request.POST or None, initial=initial)
    context = {
        "unit": unit,
        "category": category,
        "method": method,
        "priority": priority,
        "form": form,
        "limit": ahp.CONSISTENCY_LIMIT,
    }
    if request.method == "POST":
        valid = form.is_valid()
        if valid and method == Priority.PAIRWISE:
            context["check"] = _consistency(form, drivers)
        if request.POST.get("preview"):
            partial = "#points-total" if method == Priority.POINTS else "#consistency"
            page = "stakeholders/priority_edit.html"
            return render(request, page + partial if request.htmx else page, context)
        if valid:
            _save(request.user, unit, category, method, form, context.get("check"))
            messages.success(request, f"Priorities for {category.name} saved.")
            check = context.get("check")
            if check and not check["result"].consistent:
                messages.warning(
                    request,
                    f"The comparisons are inconsistent (CR {check['result'].cr:.2f}); "
                    "the weights are saved but worth another look.",
                )
            return redirect(f"{reverse('stakeholders:priorities')}?unit={unit.code}")
    elif method == Priority.PAIRWISE and priority and priority.method == method:
        bound = PairwiseForm(drivers, data=initial)
        if bound.is_valid():
            context["check"] = _consistency(bound, drivers)
    return render(request, "stakeholders/priority_edit.html", context)


def _initial(priority, method, drivers):
    if priority is None or priority.method != method:
        return {}
    if method == Priority.POINTS:
        points = dict(priority.weights.values_list("driver_id", "points"))
        return {f"driver-{driver.pk}": points.get(driver.pk, 0) for driver in drivers}
    return PairwiseForm.initial_from(drivers, priority.comparisons)


def _consistency(form, drivers):
    matrix = form.matrix()
    result = ahp.priorities(matrix)
    check = {"result": result, "weights": list(zip(drivers, result.weights, strict=True))}
    if not result.consistent:
        worst = ahp.most_inconsistent(matrix, result.weights)
        check["worst"] = {
            "left": drivers[worst.row],
            "right": drivers[worst.column],
            "given": worst.given,
            "fitting": worst.fitting,
            "field": form[form.pair_name(worst.row, worst.column)],
            "fitting_label": dict(form.fields[form.pair_name(worst.row, worst.column)].choices)[
                judgement_text(worst.fitting)
            ],
            "given_label": dict(form.fields[form.pair_name(worst.row, worst.column)].choices)[
                judgement_text(worst.given)
            ],
        }
    return check


def _save(user, unit, category, method, form, check):
    """The weights as the form gives them: the points and what they come to, or the weights
    of the pairwise judgements (`check`) with their consistency."""
    if method == Priority.POINTS:
        points = form.points()
        weights = {driver: (weight, points[driver]) for driver, weight in form.weights.items()}
        comparisons, consistency_ratio = {}, None
    else:
        weights = {driver: (float(weight), None) for driver, weight in check["weights"]}
        comparisons, consistency_ratio = form.comparisons(), check["result"].cr
    services.priority_save(
        unit=unit,
        category=category,
        method=method,
        weights=weights,
        comparisons=comparisons,
        consistency_ratio=consistency_ratio,
        by=user,
    )


def category_priorities(request, code):
    """Each unit's weights for a category beside the spend-weighted combination, with the
    drivers on which units disagree strongly. Unit by unit for those who read this category's
    units one by one (its owner, the CPO, administrators); anyone else in procurement sees the
    combination alone, and only over at least disclosure.MIN_UNITS units."""
    require_procurement(request)
    category = get_object_or_404(Category, code=code)
    period = cube.latest_period()
    everyone = queries.unit_weights(category)
    one_by_one = reads_units_one_by_one(request.user, category)
    by_unit = everyone if one_by_one else {}
    combined_shown = one_by_one or disclosure.may_show_aggregate(len(everyone))
    spend_rows = cube.spend_by_unit(cube.subtree_rows(category), period) if period else []
    spend = {row["business_unit__code"]: row["spend"] for row in spend_rows}
    unit_names = {row["business_unit__code"]: row["business_unit__name"] for row in spend_rows}
    combined = combined_weights(everyone, spend) if combined_shown else {}
    drivers = [d.name for d in ValueDriver.objects.filter(name__in=combined)] or []
    total_spend = sum(spend.get(unit, 0) for unit in by_unit)
    units = [
        {
            "code": unit,
            "name": unit_names.get(unit, unit),
            "spend": spend.get(unit, 0),
            "share": float(spend.get(unit, 0) / total_spend) if total_spend else None,
            "weights": [weights.get(driver, 0.0) for driver in drivers],
        }
        for unit, weights in sorted(by_unit.items())
    ]
    if request.GET.get("format") in EXPORT_FORMATS:
        combined_row = {
            "code": "",
            "name": "Combined",
            "spend": total_spend if one_by_one else "",
            "weights": [combined[d] for d in drivers],
        }
        return export_table(
            request.GET["format"],
            f"priorities-{category.code}",
            queries.unit_priority_columns(drivers),
            [*units, combined_row] if combined_shown and everyone else units,
        )
    group = queries.group_judgement(category, _drivers()) if one_by_one else None
    flagged = disagreements(by_unit)
    flagged_drivers = {spread.driver for spread in flagged}
    rows = [
        {
            "driver": driver,
            "weights": [unit["weights"][index] for unit in units],
            "combined": combined[driver],
            "flagged": driver in flagged_drivers,
        }
        for index, driver in enumerate(drivers)
    ]
    context = {
        "category": category,
        "period": period,
        "currency": settings.BASE_CURRENCY,
        "drivers": drivers,
        "units": units,
        "rows": rows,
        "one_by_one": one_by_one,
        "withheld": bool(everyone) and not combined_shown,
        "group": group,
        "disagreements": flagged,
        "chart": _weights_chart(category, drivers, units, combined) if units else None,
    }
    return render(request, "stakeholders/category_priorities.html", context)


def _weights_chart(category, drivers, units, combined) -> str:
    summary, table = charts.unit_weights_text(drivers, units, combined)
    return figure_html(
        charts.unit_weights_bars(drivers, units, combined),
        height=380,
        name=f"Weights of the value drivers for {category.name}, by unit and combined",
        summary=summary,
        table=table,
    )
