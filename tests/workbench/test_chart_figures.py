"""Every chart is a figure a person can read without seeing it (issue 19): a name, a sentence on
what it shows, and its figures as a table whose rows go where a click on the chart goes; the
cube's charts below the fold come by htmx when scrolled to (issue 15)."""

import ast
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import add_spend

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Figures(HTMLParser):
    """The chart figures of a page: name, summary, the plot's attributes and the table's
    caption, header cells and rows (label, link, cells)."""

    def __init__(self, html: str):
        super().__init__()
        self.figures, self._in, self._open = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "chart-figure" in (attrs.get("class") or ""):
            self.figures.append(
                {"id": attrs["id"], "labelledby": attrs.get("aria-labelledby"), "rows": []}
            )
            self.figures[-1]["heads"] = []
            self._open, self._in = True, []
        if not self._open:
            return
        figure = self.figures[-1]
        if tag == "div" and "data-figure" in attrs:
            figure["plot"] = attrs
        if tag == "details":
            figure["details_open"] = "open" in attrs
        if tag == "tr" and "data" in self._in:
            figure["rows"].append({"label": "", "link": None, "cells": []})
        if tag == "th" and attrs.get("scope") == "col":
            figure["heads"].append("")
        if tag == "a" and "row" in self._in:
            figure["rows"][-1]["link"] = attrs["href"]
        if tag == "td":
            figure["rows"][-1]["cells"].append("")
        marker = {
            "span": {"chart-name": "name", "chart-summary": "summary"}.get(attrs.get("class")),
            "caption": "caption",
            "tbody": "data",
            "th": "row" if attrs.get("scope") == "row" else "col",
            "td": "cell",
        }.get(tag)
        if tag in ("span", "caption", "tbody", "th", "td"):
            self._in.append(marker)
        if marker in ("name", "summary", "caption"):
            figure[marker] = ""

    def handle_endtag(self, tag):
        if tag == "figure":
            self._open = False
        if self._open and tag in ("span", "caption", "tbody", "th", "td") and self._in:
            self._in.pop()

    def handle_data(self, data):
        if not self._open or not self._in:
            return
        figure, where = self.figures[-1], self._in[-1]
        if where in ("name", "summary", "caption"):
            figure[where] += data
        elif where == "row":
            figure["rows"][-1]["label"] += data.strip()
        elif where == "col":
            figure["heads"][-1] += data
        elif where == "cell":
            figure["rows"][-1]["cells"][-1] += data


def figures_of(response) -> list[dict]:
    assert response.status_code == 200
    return Figures(response.content.decode()).figures


def assert_readable(figure):
    """The figure's name, summary, drawing and table are all there and tied together."""
    assert figure["name"].strip() and figure["summary"].strip()
    assert figure["labelledby"] == figure["id"] + "-name"
    plot = figure["plot"]
    assert plot["role"] == "img" and plot["aria-label"] == figure["name"]
    assert plot["aria-describedby"] == figure["id"] + "-summary"
    # Hidden until charts.js draws it; the table open until then (no JavaScript: the table).
    assert "hidden" in plot and figure["details_open"]
    assert figure["caption"].strip() and all(figure["heads"])
    for row in figure["rows"]:
        assert len(row["cells"]) == len(figure["heads"]) - 1


def test_the_cube_monthly_chart_is_a_figure_whose_months_link_where_a_click_goes(client, company):
    add_spend(company, 120)
    client.force_login(company.manager)
    (monthly,) = figures_of(client.get(reverse("spend:cube")))
    assert_readable(monthly)
    assert monthly["name"].startswith("Spend per month, All categories")
    assert monthly["summary"].startswith("Spend ")
    drawn = json.loads(monthly["plot"]["data-figure"])["data"][0]
    assert len(monthly["rows"]) == len(drawn["x"]) == 12
    assert [row["link"] for row in monthly["rows"]] == drawn["customdata"]
    # Each row's amount is the month's point in whole pounds; a dash where nothing was imported.
    assert [row["cells"][0] for row in monthly["rows"]] == [
        "–" if y is None else f"{y:,.0f}" for y in drawn["y"]
    ]


def test_the_cube_fetches_its_lower_charts_when_scrolled_to_with_a_link_without_javascript(
    client, company, django_assert_max_num_queries
):
    add_spend(company, 120)
    client.force_login(company.manager)
    page = client.get(reverse("spend:cube"), {"unit": "MFG"}).content.decode()
    assert page.count("data-figure=") == 1  # the monthly line; the rest come when revealed
    for chart in ("pareto", "treemap"):
        url = reverse("spend:cube_chart", args=[chart]) + "?unit=MFG"
        assert f'hx-get="{url}' in page.replace("&amp;", "&")
        assert f'<a href="{url}' in page.replace("&amp;", "&")
    with django_assert_max_num_queries(12):
        pareto = client.get(
            reverse("spend:cube_chart", args=["pareto"]), {"unit": "MFG"}, HTTP_HX_REQUEST="true"
        )
    assert b"<html" not in pareto.content  # the figure alone for htmx
    (figure,) = figures_of(pareto)
    assert_readable(figure)
    drawn = json.loads(figure["plot"]["data-figure"])["data"][0]
    assert [row["label"] for row in figure["rows"]] == drawn["x"]
    assert [row["link"] for row in figure["rows"]] == drawn["customdata"]
    assert all("unit=MFG" in row["link"] for row in figure["rows"])
    # Without JavaScript the placeholder's link opens the chart as a page, table and all.
    whole_page = client.get(reverse("spend:cube_chart", args=["treemap"]))
    assert b"<html" in whole_page.content and b"Back to the spend cube" in whole_page.content
    (treemap,) = figures_of(whole_page)
    assert_readable(treemap)
    assert [row["label"] for row in treemap["rows"]] == [
        "Facilities",
        "Facilities › Cleaning",
        "IT & telecoms",
        "IT & telecoms › Hardware",
        "IT & telecoms › Software",
    ]
    assert client.get(reverse("spend:cube_chart", args=["radar"])).status_code == 404


def test_the_cube_charts_are_refused_to_whoever_may_not_read_the_cube(client, company):
    add_spend(company, 12)
    client.force_login(company.unit_lead)
    assert client.get(reverse("spend:cube_chart", args=["pareto"])).status_code == 403


def test_the_kraljic_table_links_each_category_where_its_bubble_goes(client, company):
    add_spend(company, 120)
    client.force_login(company.manager)
    (matrix,) = figures_of(client.get(reverse("spend:kraljic")))
    assert_readable(matrix)
    assert matrix["summary"].startswith("3 categories: ")
    drawn = json.loads(matrix["plot"]["data-figure"])["data"]
    clicked = {point[0] for trace in drawn for point in trace["customdata"]}
    assert {row["link"] for row in matrix["rows"]} == clicked
    assert {row["label"] for row in matrix["rows"]} == {"Hardware", "Software", "Cleaning"}


@pytest.mark.parametrize(
    "who, url",
    [
        ("cpo", lambda company: reverse("home")),
        ("cpo", lambda company: reverse("portfolio:maturity")),
        ("manager", lambda company: reverse("categories:detail", args=["IT"])),
        ("manager", lambda company: reverse("suppliers:detail", args=[company.suppliers[0].pk])),
        ("manager", lambda company: reverse("suppliers:segments")),
        ("unitlead", lambda company: reverse("home")),
        ("unitlead", lambda company: reverse("stakeholders:unit", args=["MFG"])),
    ],
)
def test_charts_across_the_pages_are_readable_figures(client, company, who, url):
    add_spend(company, 60)
    client.force_login(getattr(company, {"unitlead": "unit_lead"}.get(who, who)))
    figures = figures_of(client.get(url(company)))
    assert figures
    for figure in figures:
        assert_readable(figure)


def test_the_dashboard_fetches_its_supplier_time_chart_when_scrolled_to(client, company):
    add_spend(company, 60)
    client.force_login(company.cpo)
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    url = reverse("portfolio:dashboard") + "?part=segment-chart"
    assert f'hx-get="{url}" hx-trigger="revealed"' in page
    names = [figure["name"] for figure in Figures(page).figures]
    assert names == ["Maturity by dimension, spend-weighted across categories"]
    part = client.get(url, HTTP_HX_REQUEST="true")
    assert b"<html" not in part.content
    (figure,) = figures_of(part)
    assert_readable(figure)
    assert figure["name"] == "Time with suppliers against spend, per supplier segment"
    assert [row["label"] for row in figure["rows"]] == ["Not yet segmented"]


def test_every_chart_in_the_code_is_named():
    """figure_html without a name draws a bare plot: every view names its chart."""
    unnamed = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "figure_html"
                and not any(keyword.arg == "name" for keyword in node.keywords)
            ):
                unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unnamed == []
