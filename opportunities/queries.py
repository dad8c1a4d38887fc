"""What the finder and the duplicate review read: every figure summed by the database (the
monthly spend summary for spend by category and supplier, the lines themselves only for the
invoices near a threshold and the pairs of possible duplicates), a fixed number of queries
whatever the number of lines. Whose spend is read comes from workbench.permissions."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import Lag
from django.utils.timezone import localtime

from categories.models import Category
from opportunities import finder
from opportunities.benchmarks import DEFAULT_RATES, Rate
from opportunities.duplicates import merge_pairs, pair_from_lines
from opportunities.models import ApprovalThreshold, BenchmarkRate, DuplicateReview
from plans.models import Initiative
from spend import cube
from spend.models import SpendLine, SpendSummary
from suppliers.models import Contract
from workbench import figures
from workbench.exports import Column
from workbench.permissions import readable_spend, reads_contract_findings

# Two payments to one supplier of the same amount this many days apart or less are a
# possible duplicate (a resubmitted invoice is usually paid within the week).
DUPLICATE_WINDOW_DAYS = 5
# The review list shows the largest pairs first, at most this many.
DUPLICATES_SHOWN = 500


def benchmark_rates() -> dict[str, Rate]:
    """The administrators' rates, the cited defaults where they set none."""
    rates = dict(DEFAULT_RATES)
    for row in BenchmarkRate.objects.all():
        rates[row.opportunity] = Rate(row.low, row.high, row.source or "Set by an administrator.")
    return rates


def _spend_rows(summary, start, end) -> list[finder.SpendRow]:
    rows = (
        summary.filter(month__range=(start, end), category__isnull=False)
        .values("category_id", "category__path", "supplier_id", "supplier__name")
        .annotate(spend=Sum("spend"), line_count=Sum("lines"))
        .order_by()
    )
    return [
        finder.SpendRow(
            row["category_id"],
            row["category__path"],
            row["supplier_id"],
            row["supplier__name"],
            row["spend"],
            row["line_count"],
        )
        for row in rows
    ]


def _leaves(scope_paths, summary, period) -> list[finder.Leaf]:
    """Leaves under the scopes with how many units paid something (net) in each."""
    area = Q(pk__in=[])
    for path in scope_paths:
        area |= Q(path__startswith=path)
    leaves = Category.objects.filter(area).filter(
        ~Exists(Category.objects.filter(parent=OuterRef("pk")))
    )
    paying = (
        summary.filter(month__range=(period.start, period.end), category__in=leaves)
        .values("category_id", "business_unit_id")
        .annotate(spend=Sum("spend"))
        .filter(spend__gt=0)
        .order_by()
    )
    units = Counter(row["category_id"] for row in paying)
    return [
        finder.Leaf(leaf.pk, leaf.code, leaf.name, leaf.path, units.get(leaf.pk, 0))
        for leaf in leaves.order_by("path")
    ]


def _contracts(today) -> tuple[list[finder.ContractTerms], dict]:
    """Contracts not yet ended, and each contracted category's path → (code, name)."""
    contracts = (
        Contract.objects.filter(end__gte=today)
        .select_related("supplier")
        .prefetch_related("categories")
        .order_by("end", "pk")
    )
    terms, categories = [], {}
    for contract in contracts:
        paths = []
        for category in contract.categories.all():
            categories[category.path] = (category.code, category.name)
            paths.append(category.path)
        terms.append(
            finder.ContractTerms(
                contract.pk,
                contract.title,
                contract.reference,
                contract.supplier_id,
                contract.supplier.name,
                tuple(paths),
                contract.start,
                contract.end,
                contract.notice_by,
                contract.auto_renewal,
            )
        )
    return terms, categories


def _scope_of(path: str, scope_paths) -> str | None:
    return next((scope for scope in scope_paths if path.startswith(scope)), None)


def threshold_bands(lines, thresholds, scope_paths) -> dict:
    """Scope path → (bands, invoices): each supplier's invoices just under and just over each
    threshold within the scope (and in the band of the same width below "just under"), and the
    invoices under it where they look split. Under is from the threshold less its margin up to
    the threshold; over, from the threshold up to the threshold plus its margin; the band below,
    from the threshold less twice its margin up to under. Two queries whatever the number of
    scopes or lines."""
    found = {path: ([], []) for path in scope_paths}
    if not thresholds:
        return found
    below = Case(
        *[
            When(amount__gte=t.amount * (1 - t.margin), amount__lt=t.amount, then=Value(t.pk))
            for t in thresholds
        ],
        default=None,
    )
    above = Case(
        *[
            When(amount__gte=t.amount, amount__lt=t.amount * (1 + t.margin), then=Value(t.pk))
            for t in thresholds
        ],
        default=None,
    )
    lower = Case(
        *[
            When(
                amount__gte=t.amount * (1 - 2 * t.margin),
                amount__lt=t.amount * (1 - t.margin),
                then=Value(t.pk),
            )
            for t in thresholds
        ],
        default=None,
    )
    near = Q(pk__in=[])
    for t in thresholds:
        near |= Q(amount__gte=t.amount * (1 - 2 * t.margin), amount__lt=t.amount * (1 + t.margin))
    counted = (
        lines.filter(near)
        .annotate(below=below, above=above, lower=lower)
        .values("category__path", "supplier_id", "supplier__name", "below", "above", "lower")
        .annotate(count=Count("id"), spend=Sum("amount"))
        .order_by()
    )
    by_threshold = {t.pk: t for t in thresholds}
    tally = {}
    for row in counted:
        scope = _scope_of(row["category__path"], scope_paths)
        for side in ("below", "above", "lower"):
            if scope is None or row[side] is None:
                continue
            entry = tally.setdefault(
                (scope, row["supplier_id"], row[side]),
                [row["supplier__name"], 0, Decimal("0.00"), 0, 0],
            )
            if side == "below":
                entry[1] += row["count"]
                entry[2] += row["spend"]
            elif side == "above":
                entry[3] += row["count"]
            else:
                entry[4] += row["count"]
    flagged = set()
    for (scope, supplier_id, pk), counts in sorted(tally.items()):
        name, under_count, spend, over_count, lower_count = counts
        band = finder.ThresholdBand(
            pk,
            by_threshold[pk].name,
            by_threshold[pk].amount,
            supplier_id,
            name,
            under_count,
            spend,
            over_count,
            lower_count,
        )
        found[scope][0].append(band)
        if finder.looks_split(band):
            flagged.add((scope, supplier_id, pk))
    if not flagged:
        return found
    which = Q(pk__in=[])
    for _scope, supplier_id, pk in flagged:
        t = by_threshold[pk]
        which |= Q(
            supplier_id=supplier_id, amount__gte=t.amount * (1 - t.margin), amount__lt=t.amount
        )
    rows = (
        lines.filter(which)
        .annotate(below=below)
        .values("category__path", "supplier_id", "below", "date", "document_reference", "amount")
        .annotate(unit=F("business_unit__name"))
        .order_by("supplier_id", "date", "document_reference")
    )
    for row in rows:
        scope = _scope_of(row["category__path"], scope_paths)
        if (scope, row["supplier_id"], row["below"]) not in flagged:
            continue
        found[scope][1].append(
            finder.Invoice(
                row["supplier_id"],
                row["below"],
                row["date"],
                row["document_reference"],
                row["amount"],
                row["unit"],
            )
        )
    return found


@dataclass
class FinderInput:
    """Everything the finder reads for a set of scopes, fetched once."""

    period: cube.Period
    rows: list
    previous_rows: list
    leaves: list
    contracts: list
    contracted: dict
    rates: dict


def finder_input(summary, scope_paths, today, *, with_contracts) -> FinderInput | None:
    period = cube.latest_period()
    if period is None:
        return None
    contracts, contracted = _contracts(today) if with_contracts else ([], {})
    return FinderInput(
        period=period,
        rows=_spend_rows(summary, period.start, period.end),
        previous_rows=_spend_rows(summary, period.previous_start, period.previous_end),
        leaves=_leaves(scope_paths, summary, period),
        contracts=contracts,
        contracted=contracted,
        rates=benchmark_rates(),
    )


def _scope_findings(scope: Category, data: FinderInput, bands, invoices, today) -> list:
    path = scope.path
    rows = [row for row in data.rows if row.category_path.startswith(path)]
    previous = [row for row in data.previous_rows if row.category_path.startswith(path)]
    leaves = [leaf for leaf in data.leaves if leaf.path.startswith(path)]
    contracted = dict(data.contracted)
    contracted[path] = (scope.code, scope.name)
    return (
        finder.fragmentation(scope.code, leaves, rows, data.rates)
        + finder.tail_spend(scope.code, scope.name, path, rows, data.rates)
        + finder.off_contract(scope.code, path, rows, data.contracts, contracted, today, data.rates)
        + finder.just_under_threshold(scope.code, path, bands, invoices, data.rates)
        + finder.contracts_ending(scope.code, path, rows, data.contracts, today, data.rates)
        + finder.drift(scope.code, leaves, rows, previous, data.rates)
    )


def _month_end(month_start: datetime.date) -> datetime.date:
    return cube.month_start(month_start, -1) - datetime.timedelta(days=1)


def findings(
    user, scopes: list[Category], today, *, with_contracts: bool
) -> tuple[list, FinderInput | None]:
    """Every finding in each scope (a category and its subtree), over the spend the user may
    read there, largest estimated saving first; those built on contracts only
    `with_contracts`. Kept in the cache until spend, contracts or the finder's rates and
    thresholds change, per what the reader may read (the summary's SQL carries the permission
    filter the lines get too)."""
    paths = [scope.path for scope in scopes]
    area = Q(pk__in=[])
    for path in paths:
        area |= Q(category__path__startswith=path)
    summary = readable_spend(user, SpendSummary.objects.filter(area))
    compute = lambda: _findings(user, scopes, summary, area, today, with_contracts)  # noqa: E731
    sql = figures.scope_of(summary)
    if sql is None:
        return compute()
    return figures.cached(
        "opportunity-findings",
        areas=[figures.SPEND, figures.SUPPLIERS, figures.OPPORTUNITIES],
        scope=sql,
        key=(tuple(paths), today, with_contracts),
        compute=compute,
    )


def _findings(user, scopes, summary, area, today, with_contracts):
    paths = [scope.path for scope in scopes]
    data = finder_input(summary, paths, today, with_contracts=with_contracts)
    if data is None:
        return [], None
    lines = readable_spend(
        user,
        SpendLine.objects.filter(area).filter(
            date__range=(data.period.start, _month_end(data.period.end))
        ),
    )
    near = threshold_bands(lines, list(ApprovalThreshold.objects.all()), paths)
    found = []
    for scope in scopes:
        bands, invoices = near[scope.path]
        found += _scope_findings(scope, data, bands, invoices, today)
    return finder.ranked(found), data


def finding_by_key(user, key: str, today):
    """The finding a key names, recomputed over what the user may read now; None when the
    key names no category or the finding is gone."""
    parts = key.split(":")
    if len(parts) < 2:
        return None
    scope = Category.objects.filter(code=parts[1]).first()
    if scope is None:
        return None
    found, _ = findings(user, [scope], today, with_contracts=reads_contract_findings(user))
    return next((finding for finding in found if finding.key == key), None)


def finding_units(user, finding) -> list[int]:
    """The units (ids) that paid something in the finding's categories (and, for a finding
    about one supplier, to that supplier) over the latest twelve months: the units an
    initiative from it affects."""
    period = cube.latest_period()
    if period is None or not finding.category_paths:
        return []
    area = Q(pk__in=[])
    for path in finding.category_paths:
        area |= Q(category__path__startswith=path)
    rows = readable_spend(user, SpendSummary.objects.filter(area)).filter(
        month__range=(period.start, period.end)
    )
    if finding.supplier_id:
        rows = rows.filter(supplier_id=finding.supplier_id)
    return list(
        rows.values("business_unit_id")
        .annotate(spend=Sum("spend"))
        .filter(spend__gt=0)
        .order_by("business_unit__name")
        .values_list("business_unit_id", flat=True)
    )


# --- Possible duplicate payments ---------------------------------------------------------------


def _with_previous(lines, partition):
    """Each line with the one before it in its partition (by date, then id) beside it: one
    sort of the lines' few narrow columns, where a self-join would look each line's
    neighbours up one by one."""
    window = {"partition_by": partition, "order_by": [F("date").asc(), F("id").asc()]}
    return lines.annotate(
        first_id=Window(Lag("id"), **window), first_date=Window(Lag("date"), **window)
    )


def duplicate_pairs(lines) -> list:
    """Pairs of possible duplicates among `lines` (payments, not credit notes): the same
    supplier and amount within DUPLICATE_WINDOW_DAYS, or the same supplier and document
    reference, largest first. Three queries: one sort of the lines per test, then the few
    lines the pairs name, with their names. The sorts take seconds at millions of lines, so
    the pairs are kept in the cache until the spend changes (the reviews are read apart)."""
    sql = figures.scope_of(lines)
    if sql is None:
        return []
    return figures.cached(
        "possible-duplicates",
        areas=[figures.SPEND],
        scope=sql,
        compute=lambda: _duplicate_pairs(lines),
    )


def _duplicate_pairs(lines) -> list:
    paid = lines.filter(amount__gt=0)
    same_amount = (
        _with_previous(paid, [F("supplier_id"), F("amount")])
        .filter(first_id__isnull=False)
        .filter(first_date__gte=F("date") - datetime.timedelta(days=DUPLICATE_WINDOW_DAYS))
        .order_by()
        .values_list("first_id", "id")
    )
    same_reference = (
        _with_previous(
            paid.exclude(document_reference=""), [F("supplier_id"), F("document_reference")]
        )
        .filter(first_id__isnull=False)
        .order_by()
        .values_list("first_id", "id")
    )
    # Pairs are few against the lines, so all of them come back unsorted (sorting every line
    # by amount to take the largest first costs more than the window itself); the largest
    # DUPLICATES_SHOWN are kept.
    same_amount, same_reference = list(same_amount), list(same_reference)
    ids = {pk for pair in same_amount + same_reference for pk in pair}
    if not ids:
        return []
    named = {row["id"]: row for row in SpendLine.objects.filter(id__in=ids).values(*LINE_FIELDS)}

    def rows(pairs):
        return [
            {
                **named[second],
                "first_id": first,
                "first_date": named[first]["date"],
                "first_amount": named[first]["amount"],
                "first_reference": named[first]["document_reference"],
            }
            for first, second in pairs
            if first in named and second in named
        ]

    return merge_pairs(rows(same_amount), rows(same_reference))[:DUPLICATES_SHOWN]


def duplicate_lines(category: Category | None = None):
    """The lines the duplicate finder searches: the latest two years (a recovery audit looks
    back two to four), in a category's subtree or everywhere."""
    period = cube.latest_period()
    if period is None:
        return SpendLine.objects.none()
    lines = SpendLine.objects.filter(date__range=(period.previous_start, _month_end(period.end)))
    if category is not None:
        lines = lines.filter(category__path__startswith=category.path)
    return lines


def decisions_for(pairs) -> dict:
    """Pair key → the review row, for the pairs shown."""
    if not pairs:
        return {}
    reviews = DuplicateReview.objects.filter(
        first_line_id__in={pair.first_id for pair in pairs}
    ).select_related("decided_by")
    return {f"{r.first_line_id}-{r.second_line_id}": r for r in reviews}


def confirmed_duplicates() -> dict:
    """The confirmed duplicates' count and total: what accounts payable can claim back."""
    return DuplicateReview.objects.filter(decision=DuplicateReview.CONFIRMED).aggregate(
        count=Count("id"), amount=Sum("amount")
    )


LINE_FIELDS = (
    "id",
    "date",
    "amount",
    "document_reference",
    "supplier_id",
    "supplier__name",
    "category_id",
    "category__name",
    "business_unit__name",
)


def pair_of(first_id: int, second_id: int):
    """The two lines as a pair of possible duplicates, checked again from the lines
    themselves; None when either is gone or they are not a pair."""
    lines = {
        row["id"]: row
        for row in SpendLine.objects.filter(id__in=[first_id, second_id]).values(*LINE_FIELDS)
    }
    if first_id not in lines or second_id not in lines:
        return None
    return pair_from_lines(lines[first_id], lines[second_id], DUPLICATE_WINDOW_DAYS)


FINDING_COLUMNS = [
    Column("Opportunity", "kind_name"),
    Column("Category", "scope_code"),
    Column("Finding", "title"),
    Column("Addressable spend", "addressable"),
    Column("Saving from", "saving_low"),
    Column("Saving to", "saving_high"),
    Column("Lever", lambda f: dict(Initiative.LEVERS)[f.lever]),
    Column("Evidence lines", "evidence_total"),
    Column("Why", "why"),
    Column("Rate source", lambda f: f.rate.source),
]


@dataclass
class PairRow:
    """A pair of possible duplicates with its review, if it has one, and whether the reader
    may decide it."""

    pair: object
    review: DuplicateReview | None
    may_decide: bool = False

    @property
    def decision(self) -> str:
        return self.review.get_decision_display() if self.review else "Open"


def pair_rows(pairs) -> list[PairRow]:
    reviews = decisions_for(pairs)
    return [PairRow(pair, reviews.get(pair.key)) for pair in pairs]


PAIR_COLUMNS = [
    Column("Supplier", lambda r: r.pair.supplier_name),
    Column("Category", lambda r: r.pair.category_name),
    Column("Unit", lambda r: r.pair.unit_name),
    Column("First paid", lambda r: r.pair.first_date),
    Column("First reference", lambda r: r.pair.first_reference),
    Column("Paid again", lambda r: r.pair.second_date),
    Column("Second reference", lambda r: r.pair.second_reference),
    Column("Days apart", lambda r: r.pair.days_apart),
    Column("Amount", lambda r: r.pair.amount),
    Column("Why", lambda r: r.pair.reason_text),
    Column("Decision", "decision"),
    Column("Decided by", lambda r: str(r.review.decided_by or "") if r.review else ""),
    Column(
        "Decided at",
        lambda r: f"{localtime(r.review.decided_at):%Y-%m-%d %H:%M}" if r.review else "",
    ),
    Column("Note", lambda r: r.review.note if r.review else ""),
]
