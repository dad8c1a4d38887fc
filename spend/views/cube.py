"""The spend cube: spend over any slice of category (with its subtree), business unit,
supplier and period, and the lines behind every figure."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property

from categories.models import Category
from spend import charts, concentration, cube, filters, panels
from spend.filters import UNCLASSIFIED, cube_filter_from, query_of
from stakeholders.models import BusinessUnit
from workbench import figures, params
from workbench.charts import cached_chart, figure_html
from workbench.exports import EXPORT_FORMATS, Column, export_table
from workbench.page_cache import kept_for_the_person
from workbench.permissions import require_procurement

TOP_SUPPLIERS = 15
PARETO_BARS = 40
PARETO_MOST_BARS = 200
LINES_PER_PAGE = 50
TABLES = ("suppliers", "units", "categories", "months")
LINE_COLUMNS = [
    Column("Date", "date"),
    Column("Supplier", lambda line: line.supplier.name),
    Column("Category code", lambda line: line.category.code if line.category else ""),
    Column("Category", lambda line: line.category.name if line.category else "Unclassified"),
    Column("Unit code", lambda line: line.business_unit.code),
    Column("Unit", lambda line: line.business_unit.name),
    Column("Description", "description"),
    Column("Document", "document_reference"),
    Column("Amount", "amount"),
    Column("Original amount", "original_amount"),
    Column("Currency", "currency"),
]


@kept_for_the_person
def spend_cube(request):
    """The cube page; with `table` and `format` in the address, one of its tables as a file."""
    require_procurement(request)
    cube_filter, form = cube_filter_from(request.GET)
    currency = settings.BASE_CURRENCY
    context = {"form": form, "cube": cube_filter, "currency": currency}
    typed = (form.cleaned_data.get("supplier_search") or "").strip()
    if request.htmx and request.GET.get("picker") == "supplier":
        # The picker's list as the person types: the rest of the page stays as it is.
        context |= {"typed": typed, "supplier_matches": filters.supplier_matches(typed)}
        if cube_filter is not None:
            context["supplier_query"] = query_of(cube_filter, supplier=None)
        return render(request, "spend/cube.html#supplier-matches", context)
    if cube_filter is None:
        return render(request, "spend/cube.html", context)
    tree = list(Category.objects.values("id", "code", "name", "parent_id", "path", "depth"))
    table, export_format = request.GET.get("table"), request.GET.get("format")
    if table in TABLES and export_format in EXPORT_FORMATS:
        return _export_table(cube_filter, tree, table, export_format)
    context.update(
        figures=CubeFigures(cube_filter, tree),
        query=query_of(cube_filter),
        # Indented with em spaces: an <option> takes no markup, and the tree should show.
        category_options=[
            {**node, "label": "\u2003" * node["depth"] + node["name"]} for node in tree
        ],
        units=BusinessUnit.objects.values("code", "name"),
        # Several suppliers match what was typed: the picker lists them to choose from.
        typed=typed if cube_filter.supplier is None else "",
        supplier_matches=(
            filters.supplier_matches(typed) if typed and cube_filter.supplier is None else []
        ),
        supplier_query=query_of(cube_filter, supplier=None),
        unclassified=UNCLASSIFIED,
    )
    template = "spend/cube.html"
    if request.htmx:
        template += "#cube-page"
    return render(request, template, context)


# The charts below the fold: the page holds a placeholder that htmx fills when it is scrolled
# into view (issue 15), so the page itself carries only the monthly line's figures.
LATER_CHARTS = {"pareto": "pareto_chart", "treemap": "treemap"}


def cube_chart(request, chart):
    """One of the cube's later charts for the same slice: the figure alone for htmx, or as a
    page of its own (the placeholder's link, without JavaScript)."""
    require_procurement(request)
    if chart not in LATER_CHARTS:
        raise Http404("No such chart.")
    cube_filter, form = cube_filter_from(request.GET)
    context = {"cube": cube_filter, "chart": ""}
    if cube_filter is not None:
        tree = list(Category.objects.values("id", "code", "name", "parent_id", "path", "depth"))
        context |= {
            "chart": getattr(CubeFigures(cube_filter, tree), LATER_CHARTS[chart]),
            "cube_url": f"{reverse('spend:cube')}?{query_of(cube_filter)}",
        }
    template = "spend/cube_chart.html"
    if request.htmx:
        template += "#chart"
    return render(request, template, context)


class CubeFigures:
    """Everything the page shows for one slice; each figure is one aggregate over the spend
    summary, worked out when the template first asks for it."""

    def __init__(self, cube_filter: cube.CubeFilter, tree: list[dict]):
        self.cube = cube_filter
        self.tree = tree
        self.currency = settings.BASE_CURRENCY

    def _lines_url(self, **changes) -> str:
        return f"{reverse('spend:cube_lines')}?{query_of(self.cube, **changes)}"

    def _cube_url(self, **changes) -> str:
        return f"{reverse('spend:cube')}?{query_of(self.cube, **changes)}"

    @cached_property
    def trail(self) -> list[dict]:
        """The filtered category's ancestors, each a link one level up the tree."""
        if self.cube.category is None:
            return []
        path = self.cube.category.path
        above = [n for n in self.tree if path.startswith(n["path"]) and n["path"] != path]
        return [
            {"name": node["name"], "cube_url": self._cube_url(category=node["code"])}
            for node in sorted(above, key=lambda node: node["depth"])
        ]

    @property
    def all_categories_url(self) -> str:
        return self._cube_url(category=None)

    @cached_property
    def totals(self) -> dict:
        return cube.totals(self.cube)

    @property
    def lines_url(self) -> str:
        return self._lines_url()

    @cached_property
    def suppliers(self) -> list[dict]:
        rows = cube.by_supplier(self.cube)
        concentration.with_shares([row for row in rows if not row["supplier__redacted_payee"]])
        for row in rows:
            row.setdefault("share", None)
        return rows

    def _with_links(self, rows: list[dict]) -> list[dict]:
        # Only for the rows shown: a slice may hold a thousand suppliers.
        for row in rows:
            row["lines_url"] = self._lines_url(supplier=row["supplier"])
            row["cube_url"] = self._cube_url(supplier=row["supplier"])
        return rows

    @property
    def top_suppliers(self) -> list[dict]:
        return self._with_links(self.suppliers[:TOP_SUPPLIERS])

    @cached_property
    def supplier_amounts(self) -> list:
        """Spend per supplier, redacted payees left out: they are not one supplier but
        people whose names the file withholds, so they neither count nor concentrate."""
        return [row["spend"] for row in self.suppliers if not row["supplier__redacted_payee"]]

    @cached_property
    def supplier_count(self) -> int:
        """Suppliers with positive net spend: the count every tile and sentence uses."""
        return concentration.paid_count(self.supplier_amounts)

    @property
    def credited_supplier_count(self) -> int:
        """Suppliers in the slice whose credits match or outweigh their invoices."""
        return len(self.supplier_amounts) - self.supplier_count

    @cached_property
    def pareto_count(self) -> int:
        return concentration.pareto_count(self.supplier_amounts)

    @cached_property
    def hhi(self) -> float | None:
        return concentration.hhi(self.supplier_amounts)

    @property
    def concentration_level(self) -> str:
        return concentration.concentration_level(self.hhi)

    @cached_property
    def top_share(self) -> float | None:
        return concentration.top_share(self.supplier_amounts)

    @cached_property
    def units(self) -> list[dict]:
        rows = concentration.with_shares(cube.by_unit(self.cube))
        for row in rows:
            row["lines_url"] = self._lines_url(unit=row["business_unit__code"])
            row["cube_url"] = self._cube_url(unit=row["business_unit__code"])
        return rows

    @cached_property
    def months(self) -> list[dict]:
        rows = cube.monthly(self.cube)
        for row in rows:
            month = f"{row['month']:%Y-%m}"
            row["lines_url"] = self._lines_url(start=month, end=month)
        return rows

    @cached_property
    def shown_categories(self) -> list[Category]:
        """The categories one level below the filter's (the top level when there is none)."""
        parent = self.cube.category.pk if self.cube.category else None
        children = [node for node in self.tree if node["parent_id"] == parent]
        if self.cube.category and not children:
            children = [node for node in self.tree if node["id"] == self.cube.category.pk]
        return [Category(**node) for node in children]

    @cached_property
    def categories(self) -> list[cube.CategoryFigures]:
        if self.cube.unclassified:
            return []
        shown = {category.pk: category for category in self.shown_categories}
        summary_rows = self.cube.summary_rows()

        def measure():
            pairs = cube.by_category_and_supplier(summary_rows)
            path_of = {node["id"]: node["path"] for node in self.tree}
            return cube.category_numbers(
                cube.category_figures(pairs, list(shown.values()), path_of)
            )

        # The concentration of every shown category over every supplier, worked out once per
        # slice (the cube is procurement's, who all read every unit's spend).
        scope = figures.scope_of(summary_rows)
        measured = (
            measure()
            if scope is None
            else figures.cached(
                "cube-categories",
                areas=[figures.SPEND],
                scope=scope,
                key=tuple(shown),
                compute=measure,
            )
        )
        rows = cube.with_categories(measured, shown)
        for row in rows:
            row.lines_url = self._lines_url(category=row.category.code)
            row.cube_url = self._cube_url(category=row.category.code)
        return rows

    @cached_property
    def booked(self) -> dict:
        return cube.spend_by_booked_category(self.cube)

    @property
    def unclassified_spend(self):
        return self.booked.get(None, cube.ZERO)

    @property
    def unclassified_url(self) -> str:
        return self._cube_url(category=UNCLASSIFIED)

    @property
    def trend_chart(self) -> str:
        months = panels.months_of(self.months, self.cube.start, self.cube.end)
        # A month with no lines opens an empty list of lines; a gap (nothing imported) nothing.
        links = [
            row.get("lines_url")
            or (
                self._lines_url(start=f"{row['month']:%Y-%m}", end=f"{row['month']:%Y-%m}")
                if row["spend"] is not None
                else None
            )
            for row in months
        ]
        name = f"Spend per month, {self.cube.describe()}"

        def build():
            figure = charts.monthly_spend_line(months, self.currency)
            figure.update_traces(customdata=links)
            summary, table = charts.monthly_spend_text(months, self.currency, links)
            return figure_html(figure, height=300, name=name, summary=summary, table=table)

        return cached_chart("cube-trend", (name, self.currency, months, links), build)

    @property
    def pareto_chart(self) -> str:
        # Enough bars to pass the 80% mark, so the curve shows where it is crossed.
        bars = min(max(PARETO_BARS, self.pareto_count + 10), PARETO_MOST_BARS)
        counted = [row for row in self.suppliers if not row["supplier__redacted_payee"]]
        shown = self._with_links(counted[:bars])
        names = [row["supplier__name"] for row in shown]
        amounts = [row["spend"] for row in shown]
        cumulative = concentration.cumulative_shares(self.supplier_amounts)[: len(shown)]
        links = [row["lines_url"] for row in shown]
        name = f"Pareto of suppliers by spend, {self.cube.describe()}"
        drawn = (name, names, amounts, cumulative, links, self.pareto_count, self.supplier_count)

        def build():
            figure = charts.supplier_pareto(
                names, amounts, cumulative, links, self.pareto_count, self.currency
            )
            summary, table = charts.supplier_pareto_text(
                names,
                amounts,
                cumulative,
                links,
                self.pareto_count,
                self.supplier_count,
                self.currency,
            )
            return figure_html(figure, height=300, name=name, summary=summary, table=table)

        return cached_chart("cube-pareto", (self.currency, *drawn), build)

    @property
    def treemap(self) -> str:
        name = f"Categories as tiles sized by spend, {self.cube.describe()}"

        def build():
            summary, table = charts.category_treemap_text(self.tree, self.booked, self.currency)
            return figure_html(
                charts.category_treemap(self.tree, self.booked, self.currency),
                height=420,
                name=name,
                summary=summary,
                table=table,
            )

        drawn = (name, self.currency, self.tree, self.booked)
        return cached_chart("cube-treemap", drawn, build)


# The cube's tables as their exports write them.
SUPPLIER_COLUMNS = [
    Column("Supplier", "supplier__name"),
    Column("Lines", "lines"),
    Column("Spend", "spend"),
    Column("Share of spend", "share"),
    Column("Cumulative share", "cumulative_share"),
]
UNIT_COLUMNS = [
    Column("Unit code", "business_unit__code"),
    Column("Business unit", "business_unit__name"),
    Column("Lines", "lines"),
    Column("Spend", "spend"),
    Column("Share of spend", lambda row: _rounded(row["share"], 4)),
]
MONTH_COLUMNS = [
    Column("Month", lambda row: f"{row['month']:%Y-%m}"),
    Column("Lines", "lines"),
    Column("Spend", "spend"),
]
CATEGORY_COLUMNS = [
    Column("Code", lambda row: row.category.code),
    Column("Category", lambda row: row.category.name),
    Column("Lines", "lines"),
    Column("Spend", "spend"),
    Column("Share of spend", lambda row: _rounded(row.share, 4)),
    Column("Suppliers", "suppliers"),
    Column("Largest supplier's share", lambda row: _rounded(row.top_share, 4)),
    Column("HHI", lambda row: _rounded(row.hhi)),
    Column("Suppliers making 80%", "pareto_count"),
]


def _rounded(value, digits=None):
    return None if value is None else round(value, digits)


def _export_table(cube_filter, tree, table, export_format):
    figures = CubeFigures(cube_filter, tree)
    name = f"spend-{table}"
    if table == "suppliers":
        curve = iter(concentration.cumulative_shares(figures.supplier_amounts))
        # The curve runs over the suppliers with a share, in the same order as the rows.
        rows = (
            {
                **row,
                "share": _rounded(row["share"], 4),
                "cumulative_share": round(next(curve), 4) if row["share"] is not None else None,
            }
            for row in figures.suppliers
        )
        return export_table(export_format, name, SUPPLIER_COLUMNS, rows)
    if table == "units":
        return export_table(export_format, name, UNIT_COLUMNS, figures.units)
    if table == "months":
        return export_table(export_format, name, MONTH_COLUMNS, figures.months)
    return export_table(export_format, name, CATEGORY_COLUMNS, figures.categories)


class _CountedPaginator(Paginator):
    """A paginator told the count up front: the summary already knows how many lines a slice
    holds, which spares a COUNT over millions of lines."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def cube_lines(request):
    """The lines behind any cube figure: the same filters, a page at a time, exportable."""
    require_procurement(request)
    cube_filter, form = cube_filter_from(request.GET)
    if cube_filter is None:
        raise Http404("No spend has been imported yet.")
    lines = (
        cube_filter.lines()
        .select_related("supplier", "category", "business_unit")
        .order_by("-date", "-pk")
    )
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(
            export_format, "spend-lines", LINE_COLUMNS, lines.iterator(chunk_size=2000)
        )
    totals = cube.totals(cube_filter)
    page = _CountedPaginator(lines, LINES_PER_PAGE, totals["lines"]).get_page(
        params.page_number(request.GET)
    )
    context = {
        "cube": cube_filter,
        "form": form,
        "page": page,
        "totals": totals,
        "query": query_of(cube_filter),
        "currency": settings.BASE_CURRENCY,
    }
    template = "spend/cube_lines.html"
    if request.htmx:
        template += "#lines-table"
    return render(request, template, context)
