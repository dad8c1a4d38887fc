"""The figures of the CPO's dashboard, each a few database aggregates over small tables (the
monthly spend summary, assessments, plans, survey answers), so the page costs the same with a
thousand spend lines or a million. Each is kept in the cache under the data versions of what it
reads (workbench.figures); the one that depends on the reader carries their scope."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Sum

from categories.models import Category
from plans import queries as planning
from plans.models import CategoryPlan
from portfolio import maturity
from portfolio.models import MaturityDimension, MaturityScore
from spend import cube
from spend.models import SpendSummary
from stakeholders import queries as stakeholder_queries
from stakeholders import you_said
from stakeholders.models import SurveyRating, SurveyResponse, SurveyRound
from stakeholders.satisfaction import NetPromoterScore
from suppliers import queries as supplier_queries
from workbench import figures
from workbench.permissions import answers_scope, concern_scope

MANAGED = (CategoryPlan.APPROVED, CategoryPlan.ACTIVE)


# --- Maturity ---------------------------------------------------------------------------------


def band(level) -> int:
    """The colour band of a level on the heatmap: the whole level reached, 0 when none."""
    return int(level) if level is not None else 0


@dataclass
class MaturityRow:
    """One top-level category on the heatmap."""

    id: int
    code: str
    name: str
    spend: Decimal
    levels: dict
    assessed_on: datetime.date | None
    cells: list = field(default_factory=list)  # {"key", "level", "band"} in dimension order
    change: float | None = None  # overall level moved since the previous assessment

    @property
    def overall(self):
        return maturity.overall(self.levels)

    @property
    def overall_band(self) -> int:
        return band(self.overall)


@dataclass
class MaturityPicture:
    dimensions: list  # (key, name) in order
    rows: list  # MaturityRow, largest spend first
    profile: dict  # dimension key → organisation level
    trend: list  # (date, profile)
    assessed_spend_share: float | None = None
    history: list = field(default_factory=list)

    @property
    def overall(self):
        return maturity.overall(self.profile)

    @property
    def overall_band(self) -> int:
        return band(self.overall)

    @property
    def overall_name(self) -> str:
        return maturity.level_name(self.overall)

    @property
    def profile_cells(self) -> list:
        return [
            {
                "key": key,
                "name": name,
                "level": self.profile.get(key),
                "band": band(self.profile.get(key)),
            }
            for key, name in self.dimensions
        ]

    def row(self, code):
        return next((row for row in self.rows if row.code == code), None)


def maturity_picture(period) -> MaturityPicture:
    """Every top-level category's latest levels, the organisation's spend-weighted profile and
    its trend over assessment dates."""
    return figures.cached(
        "maturity-picture",
        areas=[figures.SPEND, figures.MATURITY],
        scope="every category",
        key=(period,),
        compute=lambda: _maturity_picture(period),
    )


def _maturity_picture(period) -> MaturityPicture:
    dimensions = list(MaturityDimension.objects.values_list("key", "name"))
    top = cube.spend_by_top_category(period) if period else []
    spend = {row["id"]: row["spend"] for row in top}
    history = list(
        MaturityScore.objects.filter(assessment__category__parent__isnull=True).values_list(
            "assessment__category_id", "assessment__assessed_on", "dimension__key", "level"
        )
    )
    latest = maturity.latest_levels(history)
    previous = maturity.previous_levels(history)
    assessed_on = {}
    for category, day, _dimension, _level in history:
        assessed_on[category] = max(day, assessed_on.get(category, day))
    rows = [
        MaturityRow(
            row["id"],
            row["code"],
            row["name"],
            row["spend"],
            latest.get(row["id"], {}),
            assessed_on.get(row["id"]),
            change=maturity.change(latest.get(row["id"], {}), previous.get(row["id"])),
        )
        for row in top
    ]
    for row in rows:
        row.cells = [
            {"key": key, "level": row.levels.get(key), "band": band(row.levels.get(key))}
            for key, _name in dimensions
        ]
    total = sum(spend.values(), Decimal(0))
    assessed = sum((spend.get(category, 0) for category in latest), Decimal(0))
    return MaturityPicture(
        dimensions=dimensions,
        rows=rows,
        profile=maturity.organisation_profile(latest, spend),
        trend=maturity.trend(history, spend),
        assessed_spend_share=maturity.portfolio_share(assessed, total),
        history=history,
    )


# --- Plans and savings ------------------------------------------------------------------------


def spend_under_management(period) -> dict:
    """Spend over the period in categories (with everything below them) that have an approved
    or active plan, against all classified spend."""
    return figures.cached(
        "spend-under-management",
        areas=[figures.SPEND, figures.PLANS],
        scope="every category",
        key=(period,),
        compute=lambda: _spend_under_management(period),
    )


def _spend_under_management(period) -> dict:
    planned = set(
        CategoryPlan.objects.filter(status__in=MANAGED).values_list("category__path", flat=True)
    )
    by_path = (
        SpendSummary.objects.filter(month__range=(period.start, period.end), category__isnull=False)
        .values_list("category__path")
        .annotate(spend=Sum("spend"))
        .order_by()
    )
    total = managed = Decimal(0)
    for path, spend in by_path:
        total += spend
        if any(path.startswith(prefix) for prefix in planned):
            managed += spend
    return {
        "spend": managed,
        "total": total,
        "share": maturity.portfolio_share(managed, total),
        "plans": len(planned),
    }


def savings_for_year(year: int) -> dict | None:
    """Target, risk-adjusted pipeline and realised value of fiscal `year`, hard savings, cost
    avoidance and revenue apart: the figures of the savings page (plans.queries), so the
    tile and the page it opens agree. None when no plan touches the year."""
    return figures.cached(
        "savings-for-year",
        areas=[figures.PLANS],
        scope="every plan",
        key=(year,),
        compute=lambda: _savings_for_year(year),
    )


def _savings_for_year(year: int) -> dict | None:
    rows = planning.savings_by_year({}, planning.stage_probabilities())
    row = next((row for row in rows if row.year == year), None)
    if row is None:
        return None
    kinds = [
        {
            "kind": kind,
            "name": name,
            "target": row.target[kind],
            "pipeline": row.pipeline[kind],
            "realised": row.realised[kind],
        }
        for kind, name in planning.KIND_LABELS.items()
    ]
    return {
        "kinds": kinds,
        "total": {part: row.total(part) for part, _ in planning.PARTS},
    }


def plans_waiting(limit=None):
    """Plans in review, waiting for the CPO: oldest submission first."""
    plans = (
        CategoryPlan.objects.filter(status=CategoryPlan.IN_REVIEW)
        .select_related("category", "category__owner", "created_by")
        .annotate(initiative_count=Count("initiatives"))
        .order_by("submitted_at", "pk")
    )
    return list(plans[:limit] if limit else plans)


# --- Satisfaction, voids and supplier time ------------------------------------------------------


def satisfaction_by_unit(user) -> dict | None:
    """The latest round with submitted answers: per unit, answers, mean satisfaction, NPS and
    voids; None before any answer. The voids depend on whose answers the user may read."""
    return figures.cached(
        "satisfaction-by-unit",
        areas=[figures.ANSWERS, figures.SPEND],
        scope=answers_scope(user),
        compute=lambda: _satisfaction_by_unit(user),
    )


def _satisfaction_by_unit(user) -> dict | None:
    survey_round = (
        SurveyRound.objects.filter(responses__submitted_at__isnull=False)
        .order_by("-opens_on", "-pk")
        .first()
    )
    if survey_round is None:
        return None
    responses = SurveyResponse.objects.filter(round=survey_round)
    counts = {
        row["unit__code"]: row
        for row in stakeholder_queries.recommend_counts(responses, "unit__code", "unit__name")
    }
    means = dict(
        SurveyRating.objects.filter(
            response__round=survey_round,
            response__submitted_at__isnull=False,
            satisfaction__isnull=False,
        )
        .values("response__unit__code")
        .annotate(mean=Avg("satisfaction"))
        .order_by()
        .values_list("response__unit__code", "mean")
    )
    voids = stakeholder_queries.voids_in_round(user, survey_round)
    voids_by_unit = {}
    for row in voids:
        voids_by_unit[row["unit"]] = voids_by_unit.get(row["unit"], 0) + 1
    units = []
    for code, row in counts.items():
        score = NetPromoterScore(row["promoters"], row["passives"], row["detractors"])
        units.append(
            {
                "code": code,
                "name": row["unit__name"],
                "responses": score.responses,
                "satisfaction": means.get(code),
                "nps": score.score,
                "voids": voids_by_unit.get(row["unit__name"], 0),
            }
        )
    units.sort(key=lambda unit: (unit["nps"] is None, unit["nps"] or 0))
    overall = NetPromoterScore(
        *(
            sum(row[key] for row in counts.values())
            for key in ("promoters", "passives", "detractors")
        )
    )
    return {"round": survey_round, "units": units, "nps": overall.score, "voids": len(voids)}


def supplier_time(period, today):
    """Per segment: spend and time with suppliers as shares of their totals."""
    rows = figures.cached(
        "segment-overview",
        areas=[figures.SPEND, figures.SUPPLIERS],
        scope="every supplier",
        key=(period, today),
        compute=lambda: supplier_queries.segment_overview(period, today),
    )
    return [row for row in rows if row["suppliers"] or row["hours"]]


def plan_figures(period, year: int) -> dict:
    """The plan tiles: spend under management, the year's savings and plans waiting."""
    return {
        "managed": spend_under_management(period) if period else None,
        "savings": savings_for_year(year),
        "waiting": plans_waiting(),
    }


# --- "You said, we did": the loop from concerns to action ---------------------------------------


def concern_loop(user, today) -> dict:
    """stakeholders.you_said.loop_by (the dashboard's and the board pack's tile), kept in the
    cache under every area its concerns read (answers and responses, the plans' initiatives and
    the relationship actions they link to, the categories and units) for the reader's
    concern scope and the day (a promised action falls overdue overnight). The managers' names
    it groups by are read first and made part of the key: a renamed person writes no area."""
    owners = list(
        Category.objects.order_by("pk").values_list(
            "pk", "owner__username", "owner__first_name", "owner__last_name"
        )
    )
    return figures.cached(
        "concern-loop",
        areas=[figures.ANSWERS, figures.PLANS, figures.SUPPLIERS, figures.SPEND],
        scope=repr(concern_scope(user)),
        key=(today, owners),
        compute=lambda: you_said.loop_by(user, today),
    )
