from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render

from spend import cube, panels
from stakeholders.models import ValueDriver
from workbench import params
from workbench.page_cache import kept_for_the_person
from workbench.permissions import may_edit_value_drivers, unit_for_user, visible_units

UNITS_PER_PAGE = 50


def unit_list(request):
    """Every unit for procurement; a business-unit lead sees only the units they lead."""
    period = cube.latest_period()
    units = visible_units(request.user).prefetch_related("leads")
    if period:
        units = units.annotate(spend=cube.period_spend(period)).order_by(
            F("spend").desc(nulls_last=True), "name"
        )
    else:
        units = units.order_by("name")
    # A page at a time: imports of other bodies' files bring a hundred units and more.
    page = Paginator(units, UNITS_PER_PAGE).get_page(params.page_number(request.GET))
    return render(
        request,
        "stakeholders/unit_list.html",
        {"units": page, "page": page, "period": period, "currency": settings.BASE_CURRENCY},
    )


@kept_for_the_person
def unit_detail(request, code):
    unit = unit_for_user(request, code)
    period = cube.latest_period()
    context = {
        "unit": unit,
        "leads": unit.leads.all(),
        "period": period,
        "currency": settings.BASE_CURRENCY,
    }
    if period:
        lines = cube.spend_rows(business_unit=unit)
        categories = cube.spend_by_leaf_category(lines, period)
        context.update(
            spend=sum(row["spend"] for row in categories),
            categories=categories,
            top_suppliers=cube.top_suppliers(lines, period),
            trend_chart=panels.monthly_trend_chart(lines, period, of=unit.name),
        )
    return render(request, "stakeholders/unit_detail.html", context)


def value_driver_list(request):
    """The catalogue every unit weighs its priorities over; everyone may read it."""
    return render(
        request,
        "stakeholders/value_driver_list.html",
        {
            "drivers": ValueDriver.objects.all(),
            "may_edit_drivers": may_edit_value_drivers(request.user),
        },
    )
