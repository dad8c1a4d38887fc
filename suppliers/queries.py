"""What the supplier pages, their exports and the demo read: aggregates summed by the database,
the rows of each page, and the column list each table shares with its CSV/Excel export."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz, process

from categories.models import Category
from spend import cube
from spend.models import SpendSummary
from spend.queries import kraljic_positions
from suppliers import scorecards, segmentation
from suppliers.models import (
    ELEMENTS,
    MONITOR,
    SEGMENT_NAMES,
    SEGMENTS,
    STRATEGIC_PARTNER,
    Contract,
    Evaluation,
    RelationshipPlan,
    Supplier,
    SupplierAlias,
    SupplierEngagement,
    SupplierMatchSuggestion,
    SupplierMerge,
)
from suppliers.names import normalise
from workbench.exports import Column, cells_of

# The Kraljic level segments read: the same default as the Kraljic page (second level).
KRALJIC_DEPTH = 1
# Spend bands over the latest twelve months, in the base currency: key, label, low, high.
SPEND_BANDS = [
    ("1m", "1m and over", Decimal(1_000_000), None),
    ("100k", "100k – 1m", Decimal(100_000), Decimal(1_000_000)),
    ("10k", "10k – 100k", Decimal(10_000), Decimal(100_000)),
    ("under10k", "Under 10k", Decimal("0.01"), Decimal(10_000)),
    ("none", "No spend", None, Decimal("0.01")),
]


@dataclass(frozen=True)
class SupplierFilter:
    query: str = ""
    segment: str = ""
    category: Category | None = None
    country: str = ""
    band: str = ""

    def as_params(self) -> dict:
        params = {
            "q": self.query,
            "segment": self.segment,
            "category": self.category.code if self.category else "",
            "country": self.country,
            "band": self.band,
        }
        return {key: value for key, value in params.items() if value}


def supplier_filter_from(params) -> SupplierFilter:
    """Read the list's filters from the address; unknown values are ignored, not errors."""
    segment = params.get("segment", "")
    band = params.get("band", "")
    category = None
    if params.get("category"):
        category = Category.objects.filter(code=params["category"]).first()
    return SupplierFilter(
        query=params.get("q", "").strip(),
        segment=segment if segment in dict(SEGMENTS) or segment == "none" else "",
        category=category,
        country=params.get("country", "").strip().upper()[:2],
        band=band if band in {key for key, *_ in SPEND_BANDS} else "",
    )


def supplier_table(filters: SupplierFilter, period, suppliers=None, units=None):
    """Suppliers with their spend and number of categories over the period, largest first;
    `units` (None: every unit) narrows the spend to those units' (a unit lead's own)."""
    suppliers = Supplier.objects.all() if suppliers is None else suppliers
    if filters.query:
        suppliers = suppliers.filter(
            Q(name__icontains=filters.query)
            | Q(normalised_name__contains=normalise(filters.query))
            | Q(
                pk__in=SupplierAlias.objects.filter(
                    normalised_name__contains=normalise(filters.query)
                ).values("supplier")
            )
        )
    if filters.segment == "none":
        suppliers = suppliers.filter(segment="")
    elif filters.segment:
        suppliers = suppliers.filter(segment=filters.segment)
    if filters.country:
        suppliers = suppliers.filter(country=filters.country)
    if period is None:
        return suppliers.annotate(
            spend=Value(Decimal(0), output_field=cube.MONEY), category_count=Value(0)
        ).order_by("name")
    in_period = SpendSummary.objects.filter(month__range=(period.start, period.end))
    if units is not None:
        in_period = in_period.filter(business_unit__in=units)
    if filters.category:
        suppliers = suppliers.filter(
            pk__in=in_period.filter(category__path__startswith=filters.category.path).values(
                "supplier"
            )
        )
    # Read from the monthly summary, one small indexed subquery per supplier, rather than
    # joining every spend line: the list costs the same with a million lines as with ten.
    mine = in_period.filter(supplier=OuterRef("pk")).order_by().values("supplier")
    suppliers = suppliers.annotate(
        spend=Coalesce(
            Subquery(mine.annotate(total=Sum("spend")).values("total"), output_field=cube.MONEY),
            Value(cube.ZERO),
            output_field=cube.MONEY,
        ),
        category_count=Coalesce(
            Subquery(
                mine.annotate(count=Count("category", distinct=True)).values("count"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    for key, _label, low, high in SPEND_BANDS:
        if key == filters.band:
            if low is not None:
                suppliers = suppliers.filter(spend__gte=low)
            if high is not None:
                suppliers = suppliers.filter(spend__lt=high)
    return suppliers.order_by("-spend", "name")


SUPPLIER_LIST_COLUMNS = [
    Column("Supplier", "name"),
    Column("Country", "country"),
    Column("Segment", lambda row: SEGMENT_NAMES.get(row["segment"], "")),
    Column("Spend", "spend"),
    Column("Categories", "category_count"),
]


def supplier_table_rows(suppliers):
    """The rows of `supplier_table` as plain values, streamed: an export of every supplier
    builds no model objects."""
    return suppliers.values("name", "country", "segment", "spend", "category_count").iterator()


def filter_categories():
    """The categories the list filters by: the top two levels, in tree order."""
    return Category.objects.filter(depth__lte=1).order_by("path").only("code", "name", "depth")


def supplier_countries():
    """The countries suppliers are in, for the list's filter."""
    return (
        Supplier.objects.exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def spend_by_supplier(period) -> dict:
    """Supplier id → spend over the period, from the spend summary."""
    return dict(
        SpendSummary.objects.filter(month__range=(period.start, period.end))
        .values("supplier")
        .annotate(spend=Sum("spend"))
        .order_by()
        .values_list("supplier", "spend")
    )


def quadrant_of_category(period) -> dict:
    """Category path → Kraljic quadrant key of its positioned ancestor (or itself)."""
    return {
        position.category.path: position.quadrant.key
        for position in kraljic_positions(KRALJIC_DEPTH, period)
    }


def spend_by_quadrant(period, supplier_ids=None) -> dict:
    """Supplier id → {quadrant: spend} over the period; spend outside positioned categories
    (unclassified, or above the Kraljic level) is left out."""
    quadrants = quadrant_of_category(period)
    rows = SpendSummary.objects.filter(
        month__range=(period.start, period.end), category__isnull=False
    )
    if supplier_ids is not None:
        rows = rows.filter(supplier__in=supplier_ids)
    pairs = rows.values("supplier", "category__path").annotate(spend=Sum("spend")).order_by()
    result = defaultdict(lambda: defaultdict(Decimal))
    for pair in pairs:
        path = pair["category__path"]
        for prefix, quadrant in quadrants.items():
            if path.startswith(prefix):
                result[pair["supplier"]][quadrant] += pair["spend"]
                break
    return result


def suggested_segments(period, supplier_ids=None) -> dict:
    """Supplier id → (segment, reason) for the given suppliers (all when None)."""
    totals = spend_by_supplier(period)
    ranked = segmentation.shares_ranked_above(totals)
    by_quadrant = spend_by_quadrant(period, supplier_ids)
    ids = (
        supplier_ids if supplier_ids is not None else Supplier.objects.values_list("pk", flat=True)
    )
    return {
        pk: segmentation.suggest_segment(
            totals.get(pk, Decimal(0)), ranked.get(pk), by_quadrant.get(pk, {})
        )
        for pk in ids
    }


def segment_overview(period, today: datetime.date) -> list[dict]:
    """Per segment: suppliers, spend over the period, and hours spent with them in the twelve
    months to `today`, with each as a share of the whole."""
    counts = dict(
        Supplier.objects.values("segment").annotate(n=Count("pk")).values_list("segment", "n")
    )
    spend = (
        dict(
            SpendSummary.objects.filter(month__range=(period.start, period.end))
            .values("supplier__segment")
            .annotate(spend=Sum("spend"))
            .order_by()
            .values_list("supplier__segment", "spend")
        )
        if period
        else {}
    )
    minutes = dict(
        SupplierEngagement.objects.filter(date__gt=today - datetime.timedelta(days=365))
        .values("supplier__segment")
        .annotate(minutes=Sum("minutes"))
        .order_by()
        .values_list("supplier__segment", "minutes")
    )
    return segmentation.segment_shares(
        [(key, name) for key, name in SEGMENTS] + [("", "Not yet segmented")],
        counts,
        spend,
        minutes,
    )


def evaluation_scores(evaluations) -> list[dict]:
    """Each evaluation with its score (weighted mean of the rated KPIs) and how much of the
    template's weight was rated. `evaluations` must prefetch ratings and template weights."""
    rows = []
    for evaluation in evaluations:
        weights = {weight.kpi_id: weight.weight for weight in evaluation.template.weights.all()}
        ratings = {rating.kpi_id: rating.score for rating in evaluation.ratings.all()}
        rows.append(
            {
                "evaluation": evaluation,
                "score": scorecards.weighted_score(weights, ratings),
                "coverage": scorecards.coverage(weights, ratings),
                "group": evaluation.business_unit.name
                if evaluation.business_unit
                else "Procurement",
            }
        )
    return rows


def partner_plan_coverage():
    """Each strategic partner with whether it has a relationship plan and how many of the five
    elements the plan covers; the least covered first, so the gaps lead."""
    return (
        Supplier.objects.filter(segment=STRATEGIC_PARTNER)
        .annotate(
            has_plan=Count("relationship_plan", distinct=True),
            elements=Count("relationship_plan__actions__element", distinct=True),
            monitored=Count(
                "relationship_plan__actions",
                filter=Q(relationship_plan__actions__element=MONITOR),
                distinct=True,
            ),
        )
        .order_by("elements", "name")
    )


SEGMENT_COLUMNS = [
    Column("Segment", "name"),
    Column("Suppliers", "suppliers"),
    Column("Spend", "spend"),
    Column("Share of spend", "spend_share"),
    Column("Hours", lambda row: round(row["hours"], 1)),
    Column("Share of time", "time_share"),
]


# --- A supplier's page -------------------------------------------------------------------------


def relationship_plan(supplier):
    """The supplier's relationship plan with its owner, objectives and meetings; None when it
    has none."""
    return (
        RelationshipPlan.objects.filter(supplier=supplier)
        .select_related("owner")
        .prefetch_related("actions", "meetings")
        .first()
    )


def objectives_by_element(plan) -> list[dict]:
    """Each of the five elements with the plan's objectives under it (none for a gap)."""
    actions = list(plan.actions.all())
    return [
        {
            "number": number,
            "name": name,
            "actions": [action for action in actions if action.element == number],
        }
        for number, name in ELEMENTS
    ]


def supplier_contracts(supplier):
    return Contract.objects.filter(supplier=supplier).prefetch_related("categories")


def removed_records(model, supplier):
    """The supplier's removed contracts (log entries, ideas, risks), latest removal first, for
    the "Removed" list whose entries can be restored."""
    return (
        model.every_record.filter(supplier=supplier, removed_at__isnull=False)
        .select_related("removed_by")
        .order_by("-removed_at")[:50]
    )


def engagement_minutes(supplier, *, since: datetime.date) -> int:
    """Minutes spent with the supplier after `since`."""
    return supplier.engagements.filter(date__gt=since).aggregate(total=Sum("minutes"))["total"] or 0


def supplier_evaluations(supplier):
    """The supplier's scorecard evaluations with what scoring them needs prefetched."""
    return (
        Evaluation.objects.filter(supplier=supplier)
        .select_related("business_unit", "evaluator", "template")
        .prefetch_related("ratings", "template__weights")
    )


def scorecard_of(evaluation) -> dict:
    """One evaluation's KPIs with weight, rating and the weight each carries in the score once
    unrated KPIs are left out; the score and how much of the weight was rated."""
    weights = list(evaluation.template.weights.select_related("kpi"))
    ratings = {rating.kpi_id: rating.score for rating in evaluation.ratings.all()}
    weight_of = {weight.kpi_id: weight.weight for weight in weights}
    rated_weight = sum(weight.weight for weight in weights if ratings.get(weight.kpi_id))
    rows = [
        {
            "kpi": weight.kpi,
            "weight": weight.weight,
            "rating": ratings.get(weight.kpi_id),
            "effective": weight.weight / rated_weight
            if rated_weight and ratings.get(weight.kpi_id)
            else None,
        }
        for weight in weights
    ]
    return {
        "rows": rows,
        "score": scorecards.weighted_score(weight_of, ratings),
        "coverage": scorecards.coverage(weight_of, ratings),
    }


SCORECARD_COLUMNS = [
    Column("KPI", lambda row: row["kpi"].name),
    Column("Weight", "weight"),
    Column("Rating (1-5)", lambda row: "not rated" if row["rating"] is None else row["rating"]),
    Column("Weight in score", lambda row: round(row["effective"], 4) if row["effective"] else None),
    # Filled on the total line only (see scorecard_cells).
    Column("Score", lambda row: None),
]


def scorecard_cells(scorecard: dict) -> list[list]:
    """The scorecard's KPI rows as SCORECARD_COLUMNS write them, then the total line."""
    score = scorecard["score"]
    return [
        *cells_of(SCORECARD_COLUMNS, scorecard["rows"]),
        ["Score", 100, None, 1 if score else None, score],
    ]


# --- Contracts and merges ----------------------------------------------------------------------


def contract_table(today: datetime.date, within: int | None):
    """Every contract, or those ending within `within` days of `today`, soonest end first."""
    contracts = (
        Contract.objects.select_related("supplier")
        .prefetch_related("categories")
        .order_by("end", "title")
    )
    if within is not None:
        contracts = contracts.filter(end__gte=today, end__lte=today + datetime.timedelta(within))
    return contracts


CONTRACT_COLUMNS = [
    Column("Contract", "title"),
    Column("Reference", "reference"),
    Column("Supplier", lambda contract: contract.supplier.name),
    Column(
        "Categories",
        lambda contract: ", ".join(category.name for category in contract.categories.all()),
    ),
    Column("Start", "start"),
    Column("End", "end"),
    Column("Value", "value"),
    Column("Auto-renewal", lambda contract: "yes" if contract.auto_renewal else "no"),
    Column("Notice days", "notice_days"),
]


def merge_history():
    """Every merge, newest first."""
    return SupplierMerge.objects.select_related("kept", "merged_by", "undone_by")


MERGE_COLUMNS = [
    Column("Merged name", "merged_name"),
    Column("Into", lambda merge: merge.kept.name),
    Column("By", lambda merge: str(merge.merged_by or "")),
    Column("On", lambda merge: merge.merged_at.date()),
    Column("Reason", "reason"),
    Column("Undone on", lambda merge: merge.undone_at.date() if merge.undone_at else None),
]

MERGE_CANDIDATES = 12


def merge_candidates(kept: Supplier, query: str):
    """Records that may be the same company as `kept`: the closest names, or those matching
    `query`."""
    others = Supplier.objects.exclude(pk=kept.pk)
    if query:
        return others.filter(name__icontains=query).order_by("name")[:MERGE_CANDIDATES]
    names = dict(others.values_list("pk", "normalised_name"))
    closest = process.extract(
        kept.normalised_name, names, scorer=fuzz.token_sort_ratio, limit=MERGE_CANDIDATES
    )
    ids = [pk for _name, _score, pk in closest]
    return sorted(others.filter(pk__in=ids), key=lambda supplier: ids.index(supplier.pk))


def pending_match_suggestions():
    """Import names held back from an existing supplier, surest first, with the spend each
    would move if accepted."""
    return (
        SupplierMatchSuggestion.objects.filter(status=SupplierMatchSuggestion.PENDING)
        .select_related("supplier", "suggested", "batch")
        .annotate(
            # Procurement reads every unit's spend; only importers reach this list.
            spend=Subquery(
                SpendSummary.objects.filter(supplier=OuterRef("supplier"))
                .values("supplier")
                .annotate(total=Sum("spend"))
                .values("total")
            )
        )
        .order_by("-score", "name_in_file", "pk")
    )


MATCH_SUGGESTION_COLUMNS = [
    Column("Name in the file", "name_in_file"),
    Column("Perhaps the same as", lambda suggestion: suggestion.suggested.name),
    Column("Score", "score"),
    Column("Why it was held back", "doubt"),
    Column("Spend it would move", "spend"),
    Column("Import", lambda suggestion: suggestion.batch.source if suggestion.batch else ""),
]
