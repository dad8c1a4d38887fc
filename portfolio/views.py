"""The CPO's view: the portfolio dashboard and its board pack, the maturity heatmap, one
category's maturity, and the assessment its manager fills in."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from opportunities import queries as opportunity_queries
from portfolio import board_pack, charts, evidence, maturity, queries, services
from portfolio.forms import AssessmentForm
from portfolio.models import (
    MaturityAssessment,
    MaturityDescriptor,
    MaturityDimension,
    MaturityScore,
)
from spend import cube
from workbench.charts import cached_chart, figure_html
from workbench.exports import EXPORT_FORMATS, Column, export_table
from workbench.page_cache import kept_for_the_person
from workbench.permissions import (
    assessable_category_for_user,
    maturity_category_for_user,
    may_read_portfolio,
    may_reword_maturity_model,
    require_portfolio_reader,
)


def _radar_category(request, picture):
    """The category the radar compares with the organisation (?category=CODE), if assessed."""
    row = picture.row(request.GET.get("category", ""))
    return row if row is not None and row.levels else None


def dashboard_figures(request, *, charts_too=True, later_charts_too=True) -> dict:
    """Everything the dashboard and the board pack show, in a fixed number of queries."""
    today = timezone.localdate()
    period = cube.latest_period()
    picture = queries.maturity_picture(period)
    compared = _radar_category(request, picture)
    figures = {
        "today": today,
        "period": period,
        "currency": settings.BASE_CURRENCY,
        "picture": picture,
        "compared": compared,
        "levels": maturity.LEVELS,
        "satisfaction": queries.satisfaction_by_unit(request.user),
        "segments": queries.supplier_time(period, today) if period else [],
        "duplicates": opportunity_queries.confirmed_duplicates(),
        "loop": queries.concern_loop(request.user, today),
        "year": today.year,
    }
    figures.update(queries.plan_figures(period, today.year))
    if charts_too:
        figures["radar"] = _radar_html(picture, compared)
        figures["trend_chart"] = (
            _trend_html(picture, height=340) if len(picture.trend) > 1 else None
        )
        # The dashboard fetches this one when scrolled to; the board pack prints it.
        figures["segment_chart"] = (
            _segment_html(figures["segments"]) if figures["segments"] and later_charts_too else None
        )
    return figures


def _segment_chart_part(request):
    """The supplier-time chart, the dashboard's lowest, fetched when scrolled to (issue 15)."""
    period = cube.latest_period()
    segments = queries.supplier_time(period, timezone.localdate()) if period else []
    return HttpResponse(_segment_html(segments) if segments else "")


def _radar_html(picture, compared):
    category = (compared.name, compared.levels) if compared else None
    return _radar_of(picture, category)


def _radar_of(picture, category) -> str:
    """The maturity radar as a named figure; `category` (name, levels) drawn over the
    organisation's profile when given."""

    def build():
        summary, table = charts.maturity_radar_text(picture.dimensions, picture.profile, category)
        return figure_html(
            charts.maturity_radar(picture.dimensions, picture.profile, category),
            height=380,
            name="Maturity by dimension, spend-weighted across categories"
            + (f", with {category[0]}" if category else ""),
            summary=summary,
            table=table,
        )

    return cached_chart("maturity-radar", (picture.dimensions, picture.profile, category), build)


def _trend_html(picture, *, height: int) -> str:
    def build():
        summary, table = charts.maturity_trend_text(picture.dimensions, picture.trend)
        return figure_html(
            charts.maturity_trend(picture.dimensions, picture.trend),
            height=height,
            name="Maturity over time: each dimension and the overall level",
            summary=summary,
            table=table,
        )

    return cached_chart("maturity-trend", (picture.dimensions, picture.trend, height), build)


def _segment_html(segments) -> str:
    def build():
        summary, table = charts.time_against_spend_text(segments)
        return figure_html(
            charts.time_against_spend(segments),
            height=300,
            name="Time with suppliers against spend, per supplier segment",
            summary=summary,
            table=table,
        )

    return cached_chart("supplier-time", segments, build)


@kept_for_the_person
def dashboard(request):
    """One screen: is procurement moving from cost-cutting to category management, and where
    is it not? Every tile links to the page behind it."""
    require_portfolio_reader(request)
    if request.htmx and request.GET.get("part") == "segment-chart":
        return _segment_chart_part(request)
    if request.htmx and request.GET.get("part") == "radar":
        picture = queries.maturity_picture(cube.latest_period())
        compared = _radar_category(request, picture)
        return render(
            request,
            "portfolio/dashboard.html#radar",
            {"picture": picture, "compared": compared, "radar": _radar_html(picture, compared)},
        )
    return render(
        request, "portfolio/dashboard.html", dashboard_figures(request, later_charts_too=False)
    )


def board_pack_page(request):
    """The dashboard laid out for paper (print stylesheet), or as an Excel workbook."""
    require_portfolio_reader(request)
    if request.GET.get("format") == "xlsx":
        return board_pack.workbook_response(dashboard_figures(request, charts_too=False))
    return render(request, "portfolio/board_pack.html", dashboard_figures(request))


def board_pack_print(request):
    """The board pack alone, the width of A4 on screen: where "Print" leads without
    JavaScript, to print from the browser's own Print command."""
    require_portfolio_reader(request)
    return render(
        request,
        "portfolio/board_pack.html",
        {**dashboard_figures(request), "layout": "print_base.html", "print_view": True},
    )


def maturity_overview(request):
    """The heatmap of categories by dimension, the trend, and the figures behind them;
    exportable."""
    require_portfolio_reader(request)
    period = cube.latest_period()
    picture = queries.maturity_picture(period)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(
            export_format, "maturity-by-category", _maturity_columns(picture), picture.rows
        )
    return render(
        request,
        "portfolio/maturity.html",
        {
            "picture": picture,
            "levels": maturity.LEVELS,
            "model": MaturityDimension.objects.prefetch_related("descriptors"),
            "may_reword": may_reword_maturity_model(request.user),
            "trend_rows": [
                {
                    "date": day,
                    "levels": [profile.get(key) for key, _ in picture.dimensions],
                    "overall": maturity.overall(profile),
                }
                for day, profile in picture.trend
            ],
            "period": period,
            "currency": settings.BASE_CURRENCY,
            "radar": _radar_html(picture, None),
            "trend_chart": _trend_html(picture, height=380) if picture.trend else None,
        },
    )


def _rounded(value):
    return round(value, 2) if value is not None else None


def _maturity_columns(picture) -> list[Column]:
    """The heatmap's export: one column per dimension of the model, as the page shows them."""
    return [
        Column("Code", "code"),
        Column("Category", "name"),
        Column("Spend", "spend"),
        Column("Assessed on", "assessed_on"),
        *(
            Column(name, lambda row, key=key: row.levels.get(key))
            for key, name in picture.dimensions
        ),
        Column("Overall", lambda row: _rounded(row.overall)),
        Column("Change since previous assessment", lambda row: _rounded(row.change)),
    ]


def category_maturity(request, code):
    """One category against the organisation, and every assessment of it with its notes."""
    category, may_assess = maturity_category_for_user(request, code)
    period = cube.latest_period()
    picture = queries.maturity_picture(period)
    row = picture.row(category.code)
    assessments = list(
        MaturityAssessment.objects.filter(category=category).select_related("assessed_by")
    )
    scores = {}
    for score in MaturityScore.objects.filter(assessment__category=category).select_related(
        "dimension"
    ):
        scores.setdefault(score.assessment_id, {})[score.dimension.key] = score
    history = [
        {
            "assessment": assessment,
            "ordered": [scores.get(assessment.pk, {}).get(key) for key, _ in picture.dimensions],
        }
        for assessment in assessments
    ]
    levels = row.levels if row else {}
    return render(
        request,
        "portfolio/category_maturity.html",
        {
            "category": category,
            "may_assess": may_assess,
            "perms_portfolio": may_read_portfolio(request.user),
            "picture": picture,
            "row": row,
            "history": history,
            "radar": _radar_of(picture, (category.name, levels) if levels else None),
        },
    )


def assess(request, code):
    """The questionnaire with the evidence beside each dimension and the suggested level; the
    manager's level and note are what count. "Check" recomputes the suggestions unsaved."""
    category = assessable_category_for_user(request, code)
    today = timezone.localdate()
    dimensions = list(MaturityDimension.objects.all())
    descriptors = {}
    for row in MaturityDescriptor.objects.select_related("dimension"):
        descriptors.setdefault(row.dimension.key, []).append(row)
    held = evidence.gather(category, cube.latest_period(), request.user, today)
    arguments = {
        "dimensions": dimensions,
        "descriptors": descriptors,
        "evidence": held,
        "check_url": reverse("portfolio:assess", args=[category.code]),
    }
    if request.method == "POST" and "save" in request.POST:
        form = AssessmentForm(request.POST, **arguments)
        if form.is_valid():
            services.maturity_assessment_save(
                category=category,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                by=request.user,
            )
            messages.success(request, f"Maturity of {category.name} saved.")
            return redirect("portfolio:category_maturity", category.code)
    elif request.method == "POST":
        # A ticked box, or "Update suggestions": only the suggestions move, nothing is judged.
        form = AssessmentForm(initial=AssessmentForm.initial_from(request.POST), **arguments)
    else:
        form = AssessmentForm(initial=_last_answers(category), **arguments)
    template = "portfolio/assess.html#questionnaire" if request.htmx else "portfolio/assess.html"
    return render(request, template, {"category": category, "form": form})


def _last_answers(category) -> dict:
    """The previous assessment's answers, so a reassessment starts from where it left off."""
    last = MaturityAssessment.objects.filter(category=category).first()
    if last is None:
        return {}
    initial = {}
    for score in last.scores.select_related("dimension"):
        key = score.dimension.key
        initial[f"{key}_answers"] = [
            level for level, holds in enumerate(score.answers, start=2) if holds
        ]
        initial[f"{key}_note"] = score.note
    return initial
