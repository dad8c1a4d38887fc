"""Where the money is: the opportunity finder's arithmetic, on plain rows the database has
already summed (opportunities.queries). Each function takes the rows of one scope (a category
and its subtree, as far as the reader may read its spend) and returns findings, each with its
evidence, its addressable spend and a saving range from the benchmark rates.

Net spend follows the workbench's one rule (spend.concentration): a supplier whose net spend
over the period is zero or negative has no share and is not counted.

Every finding has a key, "<kind>:<scope category code>:<detail>", from which the same finding
can be found again when an initiative is started from it (the figures are recomputed then,
never read from the address)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from opportunities.benchmarks import (
    CONTRACT_ENDING,
    DRIFT,
    FRAGMENTATION,
    JUST_UNDER_THRESHOLD,
    KIND_NAMES,
    OFF_CONTRACT,
    TAIL_SPEND,
    Rate,
)

# A leaf bought from at least this many suppliers (with positive net spend) by at least
# FRAGMENTED_MIN_UNITS units is a candidate for consolidation.
FRAGMENTED_MIN_SUPPLIERS = 5
FRAGMENTED_MIN_UNITS = 2
# The tail: the suppliers that together make the last 20 % of the scope's spend (the Pareto
# split every spend analysis uses); fewer than TAIL_MIN_SUPPLIERS is not a tail worth a plan.
TAIL_SHARE = Decimal("0.20")
TAIL_MIN_SUPPLIERS = 3
# Split purchases: at least this many invoices just under a threshold, and at least
# SPLIT_RATIO times as many as in either band beside it (just over it, and the band of the same
# width below). Honest invoices spread smoothly over the three; invoices cut to fit pile up
# just under the line.
SPLIT_MIN_INVOICES = 3
SPLIT_RATIO = 2
# A contract is due for action when its notice date is past or within this many days.
CONTRACT_LEAD_DAYS = 90
# Drift: a supplier whose spend in a leaf grew at least DRIFT_MARGIN (25 percentage points)
# faster than the leaf, by money that matters: what it took beyond the leaf's own growth is at
# least DRIFT_MIN_EXCESS of the leaf's latest spend (a small supplier doubling from little is
# noise, not drift).
DRIFT_MARGIN = Decimal("0.25")
DRIFT_MIN_EXCESS = Decimal("0.05")
# Evidence shown with a finding; the export and the count give the rest.
EVIDENCE_SHOWN = 10

LEVER = {
    FRAGMENTATION: "consolidation",
    TAIL_SPEND: "process",
    OFF_CONTRACT: "consolidation",
    JUST_UNDER_THRESHOLD: "process",
    CONTRACT_ENDING: "tender",
    DRIFT: "renegotiation",
}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SpendRow:
    """Net spend and invoice lines of one supplier in one category over a period."""

    category_id: int
    category_path: str
    supplier_id: int
    supplier_name: str
    spend: Decimal
    lines: int


@dataclass(frozen=True)
class Leaf:
    id: int
    code: str
    name: str
    path: str
    units: int = 0  # units with positive net spend in it over the period


@dataclass(frozen=True)
class ContractTerms:
    id: int
    title: str
    reference: str
    supplier_id: int
    supplier_name: str
    category_paths: tuple[str, ...]
    start: datetime.date
    end: datetime.date
    notice_by: datetime.date
    auto_renewal: bool


@dataclass(frozen=True)
class ThresholdBand:
    """Invoices of one supplier near one approval threshold over the period."""

    threshold_id: int
    threshold_name: str
    threshold_amount: Decimal
    supplier_id: int
    supplier_name: str
    below_count: int
    below_spend: Decimal
    above_count: int
    lower_count: int = 0  # invoices in the band of the same width below the "just under" one


@dataclass(frozen=True)
class Invoice:
    supplier_id: int
    threshold_id: int
    date: datetime.date
    reference: str
    amount: Decimal
    unit_name: str


@dataclass(frozen=True)
class Evidence:
    label: str
    spend: Decimal
    invoices: int | None = None
    note: str = ""
    supplier_id: int | None = None


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    title: str
    why: str
    scope_code: str
    addressable: Decimal
    saving_low: Decimal
    saving_high: Decimal
    rate: Rate
    supplier_id: int | None = None
    contract_id: int | None = None
    # The categories whose spend the finding is about (paths): its affected units buy there.
    category_paths: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = field(default=())
    evidence_total: int = 0
    # A lever other than the kind's usual one (a contract that renews by itself is
    # renegotiated rather than tendered).
    lever_choice: str = ""

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def lever(self) -> str:
        return self.lever_choice or LEVER[self.kind]

    @property
    def evidence_more(self) -> int:
        return self.evidence_total - len(self.evidence)


def saving_range(addressable: Decimal, rate: Rate) -> tuple[Decimal, Decimal]:
    """The addressable spend times the benchmark's low and high rate, to the penny; nothing
    for spend at or below zero."""
    if addressable <= 0:
        return ZERO, ZERO
    return (addressable * rate.low).quantize(CENT), (addressable * rate.high).quantize(CENT)


def _finding(kind, key, rates, addressable, evidence, **fields) -> Finding:
    low, high = saving_range(addressable, rates[kind])
    return Finding(
        kind=kind,
        key=key,
        addressable=addressable,
        saving_low=low,
        saving_high=high,
        rate=rates[kind],
        evidence=tuple(evidence[:EVIDENCE_SHOWN]),
        evidence_total=len(evidence),
        **fields,
    )


def supplier_totals(rows) -> dict[int, tuple[str, Decimal, int]]:
    """Supplier id → (name, net spend, lines) over the rows."""
    totals = {}
    for row in rows:
        name, spend, lines = totals.get(row.supplier_id, (row.supplier_name, ZERO, 0))
        totals[row.supplier_id] = (name, spend + row.spend, lines + row.lines)
    return totals


def fragmentation(scope_code, leaves, rows, rates) -> list[Finding]:
    """Leaves bought from many suppliers by several units: consolidating the volume on fewer
    suppliers buys leverage. The addressable spend is the leaf's whole net spend."""
    by_leaf = defaultdict(list)
    for row in rows:
        by_leaf[row.category_id].append(row)
    findings = []
    for leaf in leaves:
        totals = supplier_totals(by_leaf.get(leaf.id, []))
        paid = sorted(
            ((name, spend, lines, pk) for pk, (name, spend, lines) in totals.items() if spend > 0),
            key=lambda item: (-item[1], item[0]),
        )
        if len(paid) < FRAGMENTED_MIN_SUPPLIERS or leaf.units < FRAGMENTED_MIN_UNITS:
            continue
        spend = sum((item[1] for item in paid), ZERO)
        evidence = [
            Evidence(name, amount, lines, f"{amount / spend:.1%} of the leaf", pk)
            for name, amount, lines, pk in paid
        ]
        findings.append(
            _finding(
                FRAGMENTATION,
                f"{FRAGMENTATION}:{scope_code}:{leaf.code}",
                rates,
                spend,
                evidence,
                title=f"{leaf.name}: {len(paid)} suppliers for {leaf.units} units",
                why=f"{leaf.name} is bought from {len(paid)} suppliers by {leaf.units} business "
                "units; consolidating the volume on fewer suppliers buys leverage.",
                scope_code=scope_code,
                category_paths=(leaf.path,),
            )
        )
    return findings


def tail_spend(scope_code, scope_name, scope_path, rows, rates) -> list[Finding]:
    """The suppliers that together make the last TAIL_SHARE of the scope's net spend, with
    their invoice counts: many small invoices cost more to process than they save to fight
    over one by one. Suppliers are ranked by spend; the one that crosses 80 % is in the head."""
    totals = supplier_totals(rows)
    paid = sorted(
        ((name, spend, lines, pk) for pk, (name, spend, lines) in totals.items() if spend > 0),
        key=lambda item: (-item[1], item[0]),
    )
    whole = sum((item[1] for item in paid), ZERO)
    if not whole:
        return []
    head_limit = whole * (1 - TAIL_SHARE)
    running, tail = ZERO, []
    for item in paid:
        if running >= head_limit:
            tail.append(item)
        running += item[1]
    if len(tail) < TAIL_MIN_SUPPLIERS:
        return []
    spend = sum((item[1] for item in tail), ZERO)
    invoices = sum(item[2] for item in tail)
    evidence = [Evidence(name, amount, lines, "", pk) for name, amount, lines, pk in tail]
    return [
        _finding(
            TAIL_SPEND,
            f"{TAIL_SPEND}:{scope_code}",
            rates,
            spend,
            evidence,
            title=f"{scope_name}: {len(tail)} tail suppliers, {invoices:,} invoice lines",
            why=f"{len(tail)} of {len(paid)} suppliers make the last {TAIL_SHARE:.0%} of the "
            f"spend with {invoices:,} invoice lines: a catalogue, a marketplace or a "
            "preferred supplier would take the process cost out.",
            scope_code=scope_code,
            category_paths=(scope_path,),
        )
    ]


def _within(path: str, paths) -> bool:
    return any(path.startswith(other) for other in paths)


def off_contract(scope_code, scope_path, rows, contracts, categories, today, rates):
    """Spend in a category that has a contract in force, paid to suppliers that hold none
    there. `categories` maps a contracted category's path to (code, name); a contract on a
    category above the scope covers the scope's whole spend."""
    in_force = [c for c in contracts if c.start <= today <= c.end]
    covered = defaultdict(set)  # contracted path → suppliers holding a contract for it
    for contract in in_force:
        for path in contract.category_paths:
            covered[path].add(contract.supplier_id)
    findings = []
    for path in sorted(covered):
        if not (path.startswith(scope_path) or scope_path.startswith(path)):
            continue
        area = path if path.startswith(scope_path) else scope_path
        # A supplier holding a contract on the area or anywhere above it is on contract.
        holders = set().union(*(s for p, s in covered.items() if area.startswith(p)))
        outside = [
            row
            for row in rows
            if row.category_path.startswith(area) and row.supplier_id not in holders
        ]
        totals = supplier_totals(outside)
        paid = sorted(
            ((name, spend, lines, pk) for pk, (name, spend, lines) in totals.items() if spend > 0),
            key=lambda item: (-item[1], item[0]),
        )
        spend = sum((item[1] for item in paid), ZERO)
        if not paid:
            continue
        code, name = categories[area]
        evidence = [Evidence(n, amount, lines, "no contract", pk) for n, amount, lines, pk in paid]
        findings.append(
            _finding(
                OFF_CONTRACT,
                f"{OFF_CONTRACT}:{scope_code}:{code}",
                rates,
                spend,
                evidence,
                title=f"{name}: spend with {len(paid)} suppliers off contract",
                why=f"{name} has a contract in force, yet {len(paid)} suppliers without one "
                "were paid: moving that spend onto the contract earns its prices.",
                scope_code=scope_code,
                category_paths=(area,),
            )
        )
    return findings


def looks_split(band: ThresholdBand) -> bool:
    """Enough invoices just under the threshold, and far more there than on either side."""
    return band.below_count >= SPLIT_MIN_INVOICES and band.below_count >= (
        SPLIT_RATIO * max(band.above_count, band.lower_count)
    )


def just_under_threshold(scope_code, scope_path, bands, invoices, rates) -> list[Finding]:
    """Repeated invoices from one supplier just under an approval threshold, far more of them
    than just over it: possibly one purchase split to stay under the sign-off."""
    by_pair = defaultdict(list)
    for invoice in invoices:
        by_pair[(invoice.supplier_id, invoice.threshold_id)].append(invoice)
    findings = []
    for band in bands:
        if not looks_split(band):
            continue
        lines = sorted(
            by_pair.get((band.supplier_id, band.threshold_id), []),
            key=lambda i: (i.date, i.reference),
        )
        evidence = [
            Evidence(f"{i.date:%d %b %Y} {i.reference}".strip(), i.amount, None, i.unit_name)
            for i in lines
        ]
        findings.append(
            Finding(
                kind=JUST_UNDER_THRESHOLD,
                key=f"{JUST_UNDER_THRESHOLD}:{scope_code}:{band.supplier_id}:{band.threshold_id}",
                title=f"{band.supplier_name}: {band.below_count} invoices just under "
                f"{band.threshold_amount:,.0f}",
                why=f"{band.below_count} invoices from {band.supplier_name} fall just under the "
                f"{band.threshold_name} threshold of {band.threshold_amount:,.2f} and "
                f"{band.above_count} just over it ({band.lower_count} in the band below): possibly "
                "purchases split to avoid the "
                "sign-off. One competitive purchase would replace them.",
                scope_code=scope_code,
                addressable=band.below_spend,
                saving_low=saving_range(band.below_spend, rates[JUST_UNDER_THRESHOLD])[0],
                saving_high=saving_range(band.below_spend, rates[JUST_UNDER_THRESHOLD])[1],
                rate=rates[JUST_UNDER_THRESHOLD],
                supplier_id=band.supplier_id,
                category_paths=(scope_path,),
                evidence=tuple(evidence[:EVIDENCE_SHOWN]),
                evidence_total=band.below_count,
            )
        )
    return findings


def contracts_ending(scope_code, scope_path, rows, contracts, today, rates) -> list[Finding]:
    """Contracts still running whose notice date is past or within CONTRACT_LEAD_DAYS, with
    what was spent with the supplier in the contract's categories over the last twelve
    months: the moment to go to market (or renegotiate one that would renew by itself)."""
    horizon = today + datetime.timedelta(days=CONTRACT_LEAD_DAYS)
    findings = []
    for contract in contracts:
        if contract.end < today or contract.notice_by > horizon:
            continue
        paths = [
            path if path.startswith(scope_path) else scope_path
            for path in contract.category_paths
            if path.startswith(scope_path) or scope_path.startswith(path)
        ]
        if not paths:
            continue
        mine = [
            row
            for row in rows
            if row.supplier_id == contract.supplier_id and _within(row.category_path, paths)
        ]
        spend = sum((row.spend for row in mine), ZERO)
        lines = sum(row.lines for row in mine)
        passed = contract.notice_by < today
        notice = (
            f"notice was due by {contract.notice_by:%d %b %Y}"
            if passed
            else f"notice by {contract.notice_by:%d %b %Y}"
        )
        renewal = "renews by itself" if contract.auto_renewal else "ends"
        findings.append(
            _finding(
                CONTRACT_ENDING,
                f"{CONTRACT_ENDING}:{scope_code}:{contract.id}",
                rates,
                max(spend, ZERO),
                [Evidence(contract.supplier_name, spend, lines, notice, contract.supplier_id)],
                title=f"{contract.title} {renewal} {contract.end:%d %b %Y}",
                why=f"The contract with {contract.supplier_name} {renewal} on "
                f"{contract.end:%d %b %Y}; {notice}. Its last twelve months' spend is what a "
                "new tender or a renegotiation addresses.",
                scope_code=scope_code,
                supplier_id=contract.supplier_id,
                contract_id=contract.id,
                category_paths=tuple(paths),
                lever_choice="renegotiation" if contract.auto_renewal else "",
            )
        )
    return findings


def growth(latest: Decimal, previous: Decimal) -> Decimal | None:
    """Year-on-year growth as a fraction; None without a positive base to grow from."""
    if previous <= 0:
        return None
    return (latest - previous) / previous


def drift(scope_code, leaves, rows, previous_rows, rates) -> list[Finding]:
    """Suppliers whose spend in a leaf grew DRIFT_MARGIN faster than the leaf itself, by at
    least DRIFT_MIN_EXCESS of the leaf: a price creeping up, or volume moving to them without
    anyone deciding it. Both are worth a
    renegotiation; the addressable spend is the supplier's latest twelve months in the leaf."""
    latest = defaultdict(lambda: defaultdict(lambda: ZERO))
    earlier = defaultdict(lambda: defaultdict(lambda: ZERO))
    names = {}
    for target, source in ((latest, rows), (earlier, previous_rows)):
        for row in source:
            target[row.category_id][row.supplier_id] += row.spend
            names[row.supplier_id] = row.supplier_name
    findings = []
    for leaf in leaves:
        leaf_now = sum(latest[leaf.id].values(), ZERO)
        leaf_before = sum(earlier[leaf.id].values(), ZERO)
        leaf_growth = growth(leaf_now, leaf_before)
        if leaf_growth is None or leaf_now <= 0:
            continue
        for supplier_id, now in sorted(latest[leaf.id].items()):
            before = earlier[leaf.id].get(supplier_id, ZERO)
            supplier_growth = growth(now, before)
            if supplier_growth is None or supplier_growth - leaf_growth < DRIFT_MARGIN:
                continue
            excess = now - before * (1 + leaf_growth)
            if excess < DRIFT_MIN_EXCESS * leaf_now:
                continue
            name = names[supplier_id]
            evidence = [
                Evidence(f"{name}, previous twelve months", before, None, "", supplier_id),
                Evidence(f"{name}, latest twelve months", now, None, f"{supplier_growth:+.0%}"),
                Evidence(f"{leaf.name}, previous twelve months", leaf_before),
                Evidence(
                    f"{leaf.name}, latest twelve months", leaf_now, None, f"{leaf_growth:+.0%}"
                ),
            ]
            findings.append(
                _finding(
                    DRIFT,
                    f"{DRIFT}:{scope_code}:{leaf.code}:{supplier_id}",
                    rates,
                    now,
                    evidence,
                    title=f"{name} in {leaf.name}: {supplier_growth:+.0%} against "
                    f"{leaf_growth:+.0%}",
                    why=f"Spend with {name} in {leaf.name} grew {supplier_growth:+.0%} in a year "
                    f"while the leaf grew {leaf_growth:+.0%}: prices creeping up or volume "
                    "moving without a decision.",
                    scope_code=scope_code,
                    supplier_id=supplier_id,
                    category_paths=(leaf.path,),
                )
            )
    return findings


def ranked(findings) -> list[Finding]:
    """Largest estimated saving first; the key breaks ties so the order is stable."""
    return sorted(findings, key=lambda f: (-f.saving_high, -f.addressable, f.key))
