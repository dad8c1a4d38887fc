from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from categories import charts, cube
from categories.models import SpendLine
from suppliers.models import Supplier
from suppliers.names import normalise
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import require_procurement, supplier_for_user

PAGE_SIZE = 50


def supplier_list(request):
    """Suppliers by spend over the latest twelve months; the search narrows the table in place."""
    require_procurement(request)
    period = cube.latest_period()
    query = request.GET.get("q", "").strip()
    suppliers = Supplier.objects.all()
    if query:
        suppliers = suppliers.filter(
            Q(name__icontains=query) | Q(normalised_name__contains=normalise(query))
        )
    if period:
        in_period = Q(spend_lines__date__range=(period.start, period.end))
        suppliers = suppliers.annotate(
            spend=cube.period_spend(period),
            category_count=Count("spend_lines__category", filter=in_period, distinct=True),
        ).order_by("-spend", "name")
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS and period:
        return export_response(
            export_format,
            "suppliers",
            ["Supplier", "Country", "Spend", "Categories"],
            suppliers.values_list("name", "country", "spend", "category_count").iterator(),
        )
    page = Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "period": period,
        "currency": settings.BASE_CURRENCY,
    }
    template = "suppliers/supplier_list.html"
    if request.htmx:
        template += "#supplier-table"
    return render(request, template, context)


def supplier_detail(request, pk):
    supplier = supplier_for_user(request, pk)
    period = cube.latest_period()
    context = {"supplier": supplier, "period": period, "currency": settings.BASE_CURRENCY}
    if period:
        lines = SpendLine.objects.filter(supplier=supplier)
        by_category = cube.spend_by_leaf_category(lines, period)
        context.update(
            spend=sum(row["spend"] for row in by_category),
            categories=by_category,
            units=cube.spend_by_unit(lines, period),
            trend_chart=figure_html(
                charts.monthly_spend_line(
                    cube.monthly_spend(lines, period), settings.BASE_CURRENCY
                ),
                height=280,
            ),
        )
    return render(request, "suppliers/supplier_detail.html", context)
