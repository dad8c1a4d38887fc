"""Queries the stakeholder pages and exports share, as database aggregates, and the columns of
each table a page exports (the page and its CSV/Excel read the same rows)."""

from functools import cached_property

from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from categories.models import Category
from categories.tree import ancestor_paths
from spend import cube
from spend.models import SpendSummary
from stakeholders import ahp, disclosure, satisfaction
from stakeholders.models import (
    BusinessUnit,
    EngagementEntry,
    MeasureResult,
    Priority,
    PriorityWeight,
    ServiceAgreement,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
)
from stakeholders.satisfaction import DETRACTOR_UP_TO, PROMOTER_FROM
from workbench.exports import Column
from workbench.permissions import readable_responses, readable_rounds, reads_every_answer

MONEY = DecimalField(max_digits=18, decimal_places=2)


def categories_bought_by(unit, period):
    """The top-level categories a unit buys (spend anywhere in the subtree over the period), is
    assigned, or has given priorities for, with the unit's spend and its priority, largest
    spend first. Priorities are stated at the level category managers run categories: the top
    of the tree."""
    # From the monthly summary: the unit's spend in a subtree, whatever the number of lines.
    unit_lines = SpendSummary.objects.filter(
        business_unit=unit, category__path__startswith=OuterRef("path")
    )
    if period:
        unit_lines = unit_lines.filter(month__range=(period.start, period.end))
    spend = Subquery(
        unit_lines.order_by().values("business_unit").annotate(total=Sum("spend")).values("total"),
        output_field=MONEY,
    )
    priorities = Priority.objects.filter(unit=unit, category=OuterRef("pk"))
    assigned = BusinessUnit.assigned_categories.through.objects.filter(
        businessunit=unit, category=OuterRef("pk")
    )
    return (
        Category.objects.filter(parent__isnull=True)
        .annotate(
            spend=Coalesce(spend, cube.ZERO, output_field=MONEY),
            priority_method=Subquery(priorities.values("method")[:1]),
            consistency_ratio=Subquery(priorities.values("consistency_ratio")[:1]),
            priority_updated=Subquery(priorities.values("updated_at")[:1]),
        )
        .filter(Q(Exists(unit_lines)) | Q(Exists(priorities)) | Q(Exists(assigned)))
        .order_by("-spend", "code")
    )


def unit_weights(category) -> dict:
    """{unit code: {driver name: weight}} for every unit that gave priorities for `category`
    itself."""
    weights, _ = nearest_unit_weights(category, look_above=False)
    return weights


def nearest_unit_weights(category, *, look_above: bool = True) -> tuple[dict, Category | None]:
    """{unit code: {driver name: weight}} and the category they were stated for: `category`
    itself or, when `look_above`, the nearest category above it that has any. Units state
    priorities for the categories they know (usually the top level), so a plan on a lower
    category uses its parent's. One query, and one more for the category above when the
    weights are its."""
    if look_above:
        stated = Q(priority__category__path__in=ancestor_paths(category.path, including_self=True))
    else:
        stated = Q(priority__category=category)
    rows = PriorityWeight.objects.filter(stated).values_list(
        "priority__category_id", "priority__unit__code", "driver__name", "weight"
    )
    by_category: dict = {}
    for category_id, unit, driver, weight in rows:
        by_category.setdefault(category_id, {}).setdefault(unit, {})[driver] = weight
    if not by_category:
        return {}, None
    if category.pk in by_category:
        return by_category[category.pk], category
    # The deepest of the categories above that have weights is the nearest.
    nearest = Category.objects.filter(pk__in=by_category).order_by("-depth").first()
    return by_category[nearest.pk], nearest


def recommend_counts(responses, *group_by):
    """Promoters, passives and detractors among submitted answers, per group (or overall)."""
    counts = {
        "promoters": Count("id", filter=Q(recommend__gte=PROMOTER_FROM)),
        "detractors": Count("id", filter=Q(recommend__lte=DETRACTOR_UP_TO)),
        "passives": Count(
            "id", filter=Q(recommend__gt=DETRACTOR_UP_TO, recommend__lt=PROMOTER_FROM)
        ),
        "responses": Count("id"),
    }
    submitted = responses.filter(submitted_at__isnull=False, recommend__isnull=False)
    if not group_by:
        return submitted.aggregate(**counts)
    return list(submitted.values(*group_by).annotate(**counts).order_by(*group_by))


def driver_means(responses):
    """Mean importance and satisfaction per driver over submitted answers, with how many answers."""
    return list(
        SurveyRating.objects.filter(
            response__in=responses.filter(submitted_at__isnull=False),
            importance__isnull=False,
            satisfaction__isnull=False,
        )
        .values("driver__name", "driver__order")
        .annotate(
            importance=Avg("importance"),
            satisfaction=Avg("satisfaction"),
            answers=Count("response", distinct=True),
        )
        .order_by("driver__order", "driver__name")
    )


def satisfaction_by_round(responses):
    """Mean satisfaction per round and driver over submitted answers, oldest round first."""
    return list(
        SurveyRating.objects.filter(
            response__in=responses.filter(submitted_at__isnull=False),
            satisfaction__isnull=False,
        )
        .values(
            "response__round",
            "response__round__name",
            "response__round__opens_on",
            "response__round__anonymous",
            "driver__name",
            "driver__order",
        )
        .annotate(satisfaction=Avg("satisfaction"), answers=Count("response", distinct=True))
        .order_by("response__round__opens_on", "driver__order")
    )


def submitted(responses):
    return responses.filter(submitted_at__isnull=False)


def answer_states(survey_round, units=None):
    """(unit, category) pairs of the round with no submitted answer yet, in one query each."""
    units = list(units if units is not None else survey_round.units.all())
    categories = list(survey_round.categories.all())
    states = {
        (unit_id, category_id): submitted_at
        for unit_id, category_id, submitted_at in survey_round.responses.values_list(
            "unit_id", "category_id", "submitted_at"
        )
    }
    rows = []
    for unit in units:
        for category in categories:
            key = (unit.pk, category.pk)
            state = "submitted" if states.get(key) else ("draft" if key in states else "to do")
            rows.append({"unit": unit, "category": category, "state": state})
    return rows


def answer_disclosure(user, survey_round, readable=None) -> disclosure.Disclosure:
    """Which of the round's categories `user` may see figures of, keyed by category id: in an
    anonymous round, for anyone who does not read every answer, the categories table of the
    answers they may read goes through disclosure.suppress; otherwise everything is shown."""
    if not survey_round.anonymous or reads_every_answer(user):
        return disclosure.everything_shown()
    readable = readable_responses(user) if readable is None else readable
    counts = recommend_counts(readable.filter(round=survey_round), "category_id")
    return disclosure.suppress({row["category_id"]: row["responses"] for row in counts})


# In an anonymous round a void says only which kind it is: its score or the driver named would
# match it to the unit's stated priorities or to another page.
ANONYMOUS_DETRACTOR = "would not recommend procurement (a detractor)"
ANONYMOUS_UNHAPPY = "unhappy on the driver it values most"


def voids_in_round(user, survey_round, readable=None) -> list[dict]:
    """The voids of one round that `user` may read, in a fixed number of queries. In an
    anonymous round, for anyone who does not read every answer, a category whose figures are
    withheld (answer_disclosure) shows no void, and a void names neither unit, score nor driver,
    in an order that carries nothing but category and kind. `readable` is readable_responses(user)
    when the caller has it already."""
    anonymous = survey_round.anonymous and not reads_every_answer(user)
    readable = readable_responses(user) if readable is None else readable
    responses = list(
        submitted(readable.filter(round=survey_round)).values(
            "id",
            "unit_id",
            "unit__name",
            "category_id",
            "category__name",
            "category__code",
            "recommend",
        )
    )
    if anonymous:
        shown = answer_disclosure(user, survey_round, readable)
        responses = [r for r in responses if shown.shows(r["category_id"])]
    ratings: dict = {}
    for response_id, driver, importance, level in SurveyRating.objects.filter(
        response_id__in=[r["id"] for r in responses]
    ).values_list("response_id", "driver__name", "importance", "satisfaction"):
        ratings.setdefault(response_id, {})[driver] = (importance, level)
    weights: dict = {}
    for unit_id, category_id, driver, weight in PriorityWeight.objects.filter(
        priority__category_id__in={r["category_id"] for r in responses}
    ).values_list("priority__unit_id", "priority__category_id", "driver__name", "weight"):
        weights.setdefault((unit_id, category_id), {})[driver] = weight
    rows = []
    for response in responses:
        rated = ratings.get(response["id"], {})
        # Without stated priorities, the drivers the unit rated most important stand in.
        stated = weights.get((response["unit_id"], response["category_id"])) or {
            driver: importance or 0 for driver, (importance, _) in rated.items()
        }
        top = satisfaction.top_drivers(stated)
        unhappy = {d: rated[d][1] for d in top if d in rated}
        if not satisfaction.is_void(response["recommend"], list(unhappy.values())):
            continue
        detractor = (
            response["recommend"] is not None
            and satisfaction.recommend_group(response["recommend"]) == "detractor"
        )
        if anonymous:
            unit, recommend = "Withheld (anonymous round)", None
            reason = ANONYMOUS_DETRACTOR if detractor else ANONYMOUS_UNHAPPY
        else:
            unit, recommend = response["unit__name"], response["recommend"]
            reasons = [f"detractor (recommend {recommend} of 10)"] if detractor else []
            reasons += [
                f"satisfaction {level} on {driver}, which it weights highest"
                for driver, level in sorted(unhappy.items())
                if level is not None and level <= satisfaction.VOID_SATISFACTION
            ]
            reason = "; ".join(reasons)
        rows.append(
            {
                "unit": unit,
                "category": response["category__name"],
                "category_code": response["category__code"],
                "recommend": recommend,
                "reason": reason,
            }
        )
    return sorted(rows, key=lambda r: (r["category"], r["unit"], r["reason"]))


# --- Survey rounds -----------------------------------------------------------------------------


def rounds_with_progress(user, today) -> list[dict]:
    """The rounds `user` may see, newest first, each with whether it is open today, how many
    answers it asks for and how many are in."""
    # Counted before readable_rounds narrows to a unit lead's rounds, which would otherwise
    # count only their own units.
    rounds = readable_rounds(
        user,
        SurveyRound.objects.annotate(
            unit_count=Count("units", distinct=True),
            category_count=Count("categories", distinct=True),
        ),
    )
    submitted = dict(
        SurveyResponse.objects.filter(submitted_at__isnull=False)
        .values("round")
        .annotate(n=Count("id"))
        .values_list("round", "n")
    )
    return [
        {
            "round": r,
            "open": r.is_open(today),
            "expected": r.unit_count * r.category_count,
            "submitted": submitted.get(r.pk, 0),
        }
        for r in rounds.distinct()
    ]


ROUND_COLUMNS = [
    Column("Round", lambda row: row["round"].name),
    Column("Opens", lambda row: row["round"].opens_on),
    Column("Closes", lambda row: row["round"].closes_on),
    Column("Anonymous", lambda row: row["round"].anonymous),
    Column("Open", "open"),
    Column("Answers in", "submitted"),
    Column("Expected", "expected"),
]

# The answers a round still waits for (rows of answer_states), for procurement to chase.
NOT_ANSWERED_COLUMNS = [
    Column("Unit", lambda row: row["unit"].name),
    Column(
        "Lead",
        lambda row: ", ".join(
            lead.get_full_name() or lead.username for lead in row["unit"].leads.all()
        ),
    ),
    Column("Category", lambda row: row["category"].name),
    Column("State", "state"),
]


def not_answered_by_category(rows) -> list[dict]:
    """How many units have not submitted an answer yet per category, of how many asked (rows
    of answer_states): the not-answered list of an anonymous round for readers who may not see
    which units, by category name."""
    counts: dict = {}
    for row in rows:
        count = counts.setdefault(row["category"].name, {"not_answered": 0, "asked": 0})
        count["asked"] += 1
        count["not_answered"] += row["state"] != "submitted"
    return [{"category": name, **count} for name, count in sorted(counts.items())]


NOT_ANSWERED_COUNT_COLUMNS = [
    Column("Category", "category"),
    Column("Not answered yet", "not_answered"),
    Column("Units asked", "asked"),
]


# --- A round's results -------------------------------------------------------------------------


def _nps_row(label, counts, shown) -> dict:
    result = satisfaction.NetPromoterScore(
        counts["promoters"], counts["passives"], counts["detractors"]
    )
    return {"label": label, "nps": result, "shown": shown}


class RoundResults:
    """The figures of one round's results as `user` may read them: NPS overall, by category and
    by unit; importance and satisfaction per driver; trends across rounds; the comments. Each
    is read when first asked for, so the comment search and each export read only what they
    show. In an anonymous round a reader who does not read every answer sees no unit names and
    only what stakeholders.disclosure lets through: no category over fewer than
    disclosure.MIN_RESPONDENTS answers, no overall figure once a category is withheld (it would
    give the withheld ones by subtraction), no driver over fewer answers, and comments without
    scores, in the order of their text."""

    def __init__(self, user, survey_round):
        self.survey_round = survey_round
        self.reads_everything = reads_every_answer(user)
        self.anonymous = survey_round.anonymous and not self.reads_everything
        self.readable = readable_responses(user)
        self.responses = self.readable.filter(round=survey_round)
        # This round and the ones before it, for the trends.
        self.so_far = self.readable.filter(round__opens_on__lte=survey_round.opens_on)

    @cached_property
    def _category_counts(self) -> list[dict]:
        return recommend_counts(self.responses, "category__name", "category_id")

    @cached_property
    def disclosed(self) -> disclosure.Disclosure:
        """Which categories (by id), and whether the overall figure, the reader may see."""
        if not self.anonymous:
            return disclosure.everything_shown()
        return disclosure.suppress(
            {row["category_id"]: row["responses"] for row in self._category_counts}
        )

    @cached_property
    def overall(self) -> dict:
        return _nps_row("All answers", recommend_counts(self.responses), self.disclosed.total_shown)

    @cached_property
    def by_category(self) -> list[dict]:
        return [
            _nps_row(row["category__name"], row, self.disclosed.shows(row["category_id"]))
            for row in self._category_counts
        ]

    @cached_property
    def by_unit(self) -> list[dict]:
        if self.anonymous:
            return []
        return [
            _nps_row(row["unit__name"], row, True)
            for row in recommend_counts(self.responses, "unit__name")
        ]

    def nps_rows(self) -> list[dict]:
        """The NPS by category, then by unit, that may be shown: the rows of NPS_COLUMNS."""
        return [
            {"by": kind, **row}
            for kind, rows in (("Category", self.by_category), ("Unit", self.by_unit))
            for row in rows
            if row["shown"]
        ]

    @cached_property
    def drivers(self) -> list[dict]:
        """Mean importance and satisfaction per driver, with its quadrant and weighted gap. A
        driver's row is not a sum of others and no total is shown, so the threshold alone
        protects it."""
        return [
            {
                "driver": row["driver__name"],
                "importance": row["importance"],
                "satisfaction": row["satisfaction"],
                "answers": row["answers"],
                "quadrant": satisfaction.quadrant(row["importance"], row["satisfaction"]),
                "gap": satisfaction.weighted_gap(row["importance"], row["satisfaction"]),
            }
            for row in driver_means(self.responses)
            if satisfaction.may_show(row["answers"], self.anonymous)
        ]

    @cached_property
    def ranked(self) -> list[dict]:
        """The drivers, biggest weighted gap first."""
        return sorted(self.drivers, key=lambda row: row["gap"], reverse=True)

    @cached_property
    def nps_trend(self) -> list[dict]:
        """NPS of this round and the earlier ones, oldest first, leaving out a round whose
        overall figure is withheld (each round keeps its own anonymity, with the same rule as
        its own overall figure)."""
        per_round: dict = {}
        for row in recommend_counts(self.so_far, "round", "category_id"):
            per_round.setdefault(row["round"], []).append(row)
        trend = []
        for r in SurveyRound.objects.filter(pk__in=per_round).order_by("opens_on"):
            rows = per_round[r.pk]
            if r.anonymous and not self.reads_everything:
                cells = {row["category_id"]: row["responses"] for row in rows}
                if not disclosure.suppress(cells).total_shown:
                    continue
            total = {
                key: sum(row[key] for row in rows)
                for key in ("promoters", "passives", "detractors")
            }
            trend.append({"round": r.name, "score": satisfaction.NetPromoterScore(**total).score})
        return trend

    @cached_property
    def driver_trend(self) -> list[dict]:
        """Mean satisfaction per driver in this round and the earlier ones, oldest first."""
        return [
            {
                "round": row["response__round__name"],
                "driver": row["driver__name"],
                "satisfaction": row["satisfaction"],
            }
            for row in satisfaction_by_round(self.so_far)
            if satisfaction.may_show(
                row["answers"], row["response__round__anonymous"] and not self.reads_everything
            )
        ]

    def comments(self, search: str = ""):
        """Submitted answers with a comment (mentioning `search`, when given), by category and
        unit. In an anonymous round only those on categories whose figures are shown, in the
        order of their text: the order of units or of answering would say who wrote which."""
        comments = submitted(self.responses).exclude(comment="").select_related("unit", "category")
        if search:
            comments = comments.filter(comment__icontains=search)
        if not self.anonymous:
            return comments.order_by("category__name", "unit__name")
        withheld = self.disclosed.withheld
        return comments.exclude(category_id__in=withheld).order_by("comment", "category__name")


NPS_COLUMNS = [
    Column("By", "by"),
    Column("Name", "label"),
    Column("NPS", lambda row: row["nps"].score),
    Column("Promoters", lambda row: row["nps"].promoters),
    Column("Passives", lambda row: row["nps"].passives),
    Column("Detractors", lambda row: row["nps"].detractors),
]

# The drivers as the export writes them (the page's table leaves out the answer counts).
DRIVER_COLUMNS = [
    Column("Driver", "driver"),
    Column("Importance", "importance"),
    Column("Satisfaction", "satisfaction"),
    Column("Answers", "answers"),
    Column("Quadrant", "quadrant"),
    Column("Weighted gap", "gap"),
]


def comment_columns(anonymous: bool) -> list[Column]:
    """The comments table; in an anonymous round without unit or recommend score, which
    together with the not-answered list would map each comment to its unit."""
    if anonymous:
        return [
            Column("Category", lambda comment: comment.category.name),
            Column("Comment", "comment"),
        ]
    return [
        Column("Category", lambda comment: comment.category.name),
        Column("Unit", lambda comment: comment.unit.name),
        Column("Recommend", "recommend"),
        Column("Comment", "comment"),
    ]


def rounds_with_answers(user):
    """The rounds with submitted answers `user` may read, newest first."""
    return SurveyRound.objects.filter(
        responses__in=readable_responses(user).filter(submitted_at__isnull=False)
    ).distinct()


VOID_COLUMNS = [
    Column("Unit", "unit"),
    Column("Category", "category"),
    Column("Recommend", "recommend"),
    Column("Why", "reason"),
]


# --- Service agreements ------------------------------------------------------------------------


def _status(measure, actual) -> str:
    return satisfaction.agreement_status(
        float(measure.target), float(actual), measure.higher_is_better
    )


def removed_records(model, **scope):
    """Removed engagement entries, agreements or measures within `scope` (e.g. unit__in=...),
    latest removal first, for the "Removed" list whose entries can be restored."""
    return (
        model.every_record.filter(removed_at__isnull=False, **scope)
        .select_related("removed_by")
        .order_by("-removed_at")[:50]
    )


def agreements_with_status(units) -> list[dict]:
    """The agreements with `units`, each with how many of its measures are on track, at risk
    or missed in their latest result."""
    agreements = ServiceAgreement.objects.filter(unit__in=units).select_related(
        "unit", "procurement_contact"
    )
    latest = latest_results(MeasureResult.objects.filter(measure__agreement__in=agreements))
    rows = []
    for agreement in agreements.prefetch_related("measures"):
        statuses = [latest[m.pk]["status"] for m in agreement.measures.all() if m.pk in latest]
        rows.append(
            {
                "agreement": agreement,
                "measures": len(agreement.measures.all()),
                "on_track": statuses.count("On track"),
                "at_risk": statuses.count("At risk"),
                "missed": statuses.count("Missed"),
            }
        )
    return rows


def latest_results(results) -> dict:
    """The most recent result of each measure with its status, {measure id: {...}}."""
    latest = {}
    for row in results.select_related("measure").order_by("measure_id", "period"):
        latest[row.measure_id] = {
            "period": row.period,
            "actual": row.actual,
            "status": _status(row.measure, row.actual),
        }
    return latest


AGREEMENT_COLUMNS = [
    Column("Agreement", lambda row: row["agreement"].title),
    Column("Unit", lambda row: row["agreement"].unit.name),
    Column("Starts", lambda row: row["agreement"].starts_on),
    Column("Ends", lambda row: row["agreement"].ends_on),
    Column("Measures", "measures"),
    Column("On track", "on_track"),
    Column("At risk", "at_risk"),
    Column("Missed", "missed"),
]


def agreement_results(agreement) -> tuple[list, list[dict]]:
    """The months with results, and per measure its result and status in each of those months
    (None where none was recorded)."""
    measures = list(agreement.measures.all())
    results = MeasureResult.objects.filter(measure__agreement=agreement).order_by("period")
    periods = sorted({r.period for r in results})
    table = {(r.measure_id, r.period): r for r in results}
    grid = []
    for measure in measures:
        cells = []
        for period in periods:
            result = table.get((measure.pk, period))
            cells.append(
                None
                if result is None
                else {"actual": result.actual, "status": _status(measure, result.actual)}
            )
        grid.append({"measure": measure, "cells": cells})
    return periods, grid


def recorded_results(periods, grid) -> list[dict]:
    """The grid of agreement_results as one row per recorded result: the rows of
    AGREEMENT_RESULT_COLUMNS."""
    return [
        {"measure": row["measure"], "period": period, **cell}
        for row in grid
        for period, cell in zip(periods, row["cells"], strict=True)
        if cell
    ]


AGREEMENT_RESULT_COLUMNS = [
    Column("Measure", lambda row: row["measure"].name),
    Column("Target", lambda row: row["measure"].target),
    Column("Period", "period"),
    Column("Actual", "actual"),
    Column("Status", "status"),
]


# --- Engagement log ----------------------------------------------------------------------------


def engagement_entries(units, start, end):
    """Time with `units` between two dates, newest first."""
    return EngagementEntry.objects.filter(unit__in=units, date__range=(start, end)).select_related(
        "unit", "category", "recorded_by"
    )


def engagement_by_unit(entries) -> list[dict]:
    """Minutes and meetings per unit, most time first."""
    return list(
        entries.values("unit__name")
        .annotate(minutes=Sum("minutes"), meetings=Count("id"))
        .order_by("-minutes")
    )


def engagement_by_category(entries) -> list[dict]:
    return list(
        entries.values("category__name").annotate(minutes=Sum("minutes")).order_by("-minutes")
    )


def engagement_rows(entries):
    """The entries as plain rows for ENGAGEMENT_COLUMNS, read as the file is written."""
    return entries.values(
        "date", "unit__name", "category__name", "minutes", "people", "topic"
    ).iterator()


ENGAGEMENT_COLUMNS = [
    Column("Date", "date"),
    Column("Unit", "unit__name"),
    Column("Category", "category__name"),
    Column("Minutes", "minutes"),
    Column("People", "people"),
    Column("Topic", "topic"),
]


# --- Priorities --------------------------------------------------------------------------------


# The categories a unit buys (rows of categories_bought_by) and how it gave its priorities.
PRIORITY_COLUMNS = [
    Column("Category", "name"),
    Column("Code", "code"),
    Column("Spend", "spend"),
    Column("Given as", lambda c: dict(Priority.METHODS).get(c.priority_method, "To do")),
    Column("Consistency ratio", "consistency_ratio"),
]


def categories_with_priorities():
    """The categories some unit has given priorities for, with how many units have."""
    return (
        Category.objects.filter(priorities__isnull=False)
        .annotate(unit_count=Count("priorities"))
        .order_by("code")
    )


def unit_priority_columns(drivers: list[str]) -> list[Column]:
    """Each unit's weights for a category, a column per driver (in the order of `drivers`)."""
    return [
        Column("Unit", "code"),
        Column("Name", "name"),
        Column("Spend", "spend"),
        *(
            Column(driver, lambda row, index=index: row["weights"][index])
            for index, driver in enumerate(drivers)
        ),
    ]


def group_judgement(category, drivers) -> dict | None:
    """The units that compared `drivers` in pairs for `category`, as one judge: the element-wise
    geometric mean of their matrices, and the weights and consistency of that. None with fewer
    than two such units."""
    matrices, units = [], []
    for priority in Priority.objects.filter(
        category=category, method=Priority.PAIRWISE
    ).select_related("unit"):
        judgements = {}
        for i, left in enumerate(drivers):
            for j in range(i + 1, len(drivers)):
                value = priority.comparisons.get(f"{left.pk},{drivers[j].pk}")
                if value is not None:
                    judgements[(i, j)] = value
        if len(judgements) == len(drivers) * (len(drivers) - 1) // 2:
            matrices.append(ahp.matrix_from_judgements(len(drivers), judgements))
            units.append(priority.unit.name)
    if len(matrices) < 2:
        return None
    result = ahp.priorities(ahp.combine_judges(matrices))
    return {
        "units": units,
        "result": result,
        "weights": list(zip([d.name for d in drivers], result.weights, strict=True)),
    }
