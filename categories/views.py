from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from categories import services
from categories.forms import CategoryForm
from categories.models import Category
from categories.tree import ancestor_paths
from spend import concentration, cube, panels
from stakeholders import you_said
from workbench import params
from workbench.exports import EXPORT_FORMATS, Column, export_table
from workbench.page_cache import kept_for_the_person
from workbench.permissions import (
    category_for_user,
    editable_category_for_user,
    may_change_category,
    may_reassign_category_owner,
    readable_spend,
    readable_spend_by_unit,
    reads_every_units_spend,
    require_procurement,
    units_led_by,
)

CATEGORIES_PER_PAGE = 100
# The taxonomy table's export; each category carries its subtree spend (cube.with_subtree_spend).
CATEGORY_COLUMNS = [
    Column("Code", "code"),
    Column("Name", "name"),
    Column("Level", lambda c: c.depth + 1),
    Column("Parent code", lambda c: c.path.split("/")[-3] if c.depth else ""),
    Column("Owner", lambda c: c.owner.get_full_name() if c.owner else ""),
    Column("Spend", "spend"),
    Column("Previous 12 months", "previous_spend"),
    Column("Suppliers", "supplier_count"),
]


@kept_for_the_person
def category_list(request):
    """The whole taxonomy with each node's subtree spend, exportable."""
    require_procurement(request)
    period = cube.latest_period()
    categories = Category.objects.select_related("owner").order_by("path")
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS and period:
        return export_table(
            export_format,
            "categories",
            CATEGORY_COLUMNS,
            cube.with_subtree_spend(categories, period),
        )
    # A page at a time, in the tree's order: a taxonomy made from a file's own classification
    # runs to hundreds of categories.
    page = Paginator(categories, CATEGORIES_PER_PAGE).get_page(params.page_number(request.GET))
    if period:
        page.object_list = cube.with_subtree_spend(page.object_list, period)
    for category in page:
        category.may_change = may_change_category(request.user, category)
    return render(
        request,
        "categories/category_list.html",
        {
            "categories": page,
            "page": page,
            "period": period,
            "currency": settings.BASE_CURRENCY,
        },
    )


@kept_for_the_person
def category_detail(request, code):
    category, may_change = category_for_user(request, code)
    period = cube.latest_period()
    context = {
        "category": category,
        "may_change": may_change,
        "period": period,
        "currency": settings.BASE_CURRENCY,
        "ancestors": Category.objects.filter(
            path__in=ancestor_paths(category.path, including_self=False)
        ).order_by("depth"),
        "children": [],
    }
    if period:
        # A unit lead's figures are their own units' spend; other units appear only as one
        # total over enough of them (readable_spend_by_unit).
        readable = readable_spend(request.user, cube.spend_rows())
        lines = readable_spend(request.user, cube.subtree_rows(category))
        (summary,) = cube.with_subtree_spend([category], period, readable)
        units = readable_spend_by_unit(
            request.user, cube.spend_by_unit(cube.subtree_rows(category), period)
        )
        context.update(
            spend=summary.spend,
            previous_spend=summary.previous_spend,
            supplier_count=summary.supplier_count,
            change=cube.change_ratio(summary.spend, summary.previous_spend),
            children=sorted(
                cube.with_subtree_spend(category.children.all(), period, readable),
                key=lambda child: child.spend,
                reverse=True,
            ),
            top_suppliers=cube.top_suppliers(lines, period, with_shares=True),
            units=concentration.with_shares(units),
            own_units_only=not reads_every_units_spend(request.user),
            trend_chart=panels.monthly_trend_chart(lines, period, of=category.name, height=300),
        )
    units = units_led_by(request.user)
    if units.exists():
        # A unit lead sees here what their units said about this category and what was done.
        context["you_said"] = you_said.for_unit_lead_home(
            list(units), request.user, category=category
        )
    return render(request, "categories/category_detail.html", context)


def category_edit(request, code):
    category = editable_category_for_user(request, code)
    may_reassign_owner = may_reassign_category_owner(request.user)
    form = CategoryForm(
        request.POST or None, instance=category, may_reassign_owner=may_reassign_owner
    )
    if request.method == "POST" and form.is_valid():
        services.category_update(form=form)
        messages.success(request, f"{category.name} saved.")
        return redirect(category)
    return render(request, "categories/category_edit.html", {"category": category, "form": form})
