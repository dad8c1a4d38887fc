"""The sentence under each chart that says what it shows, for everyone who cannot see the
drawing (a screen reader, a printout in black and white, a glance): the largest values and the
trend, worked out from the same figures the chart draws. Pure functions: plain values in, one
plain sentence out.

Shares follow the one rule of the workbench (DESIGN.md, "Spend and the cube"): a net amount at
or below zero counts as nothing, so shares stay within 0..100%."""

from collections.abc import Callable, Sequence

Formatter = Callable[[object], str]


def _number(value) -> float:
    return float(value) if value is not None else 0.0


def percent(value: float, digits: int = 0) -> str:
    """0.342 -> "34%", as the workbench's pages write shares."""
    return f"{value * 100:.{digits}f}%"


def largest(
    items: Sequence[tuple[str, object]],
    *,
    formatter: Formatter,
    count: int = 3,
    shares: bool = True,
    lead: str = "Largest",
) -> str:
    """ "Largest: IT hardware GBP 1.2m (34%), Travel GBP 800k (22%), Fleet GBP 400k (11%)."
    `items` are (label, value) in any order; shares are of the positive values' sum."""
    positive = [(label, value) for label, value in items if _number(value) > 0]
    if not positive:
        return "Nothing to show: no positive values."
    total = sum(_number(value) for _, value in positive)
    ranked = sorted(positive, key=lambda item: -_number(item[1]))[:count]
    parts = []
    for label, value in ranked:
        share = f" ({percent(_number(value) / total)})" if shares and total else ""
        parts.append(f"{label} {formatter(value)}{share}")
    rest = len(positive) - len(ranked)
    tail = f"; {rest:,} more" if rest > 0 else ""
    return f"{lead}: {', '.join(parts)}{tail}."


def change(
    points: Sequence[tuple[str, object]],
    *,
    formatter: Formatter,
    what: str = "Spend",
    relative: bool = True,
) -> str:
    """ "Spend rose 12% from Jan 2025 (GBP 100k) to Jun 2025 (GBP 112k); highest in Mar 2025
    (GBP 130k)." over the points that have a value (a gap, None, is skipped). A change from
    zero or below has no percentage, only the two values; `relative=False` gives the
    difference in the formatter's terms instead (a score, a level)."""
    known = [(label, value) for label, value in points if value is not None]
    if not known:
        return f"{what}: no values yet."
    if len(known) == 1:
        label, value = known[0]
        return f"{what}: {formatter(value)} in {label}, the only period with a value."
    (first_label, first), (last_label, last) = known[0], known[-1]
    first_value, last_value = _number(first), _number(last)
    if last_value == first_value:
        movement = "was unchanged"
    else:
        verb = "rose" if last_value > first_value else "fell"
        if relative and first_value > 0:
            movement = f"{verb} {percent(abs(last_value - first_value) / first_value)}"
        elif relative:
            movement = verb
        else:
            movement = f"{verb} by {formatter(abs(last_value - first_value))}"
    peak_label, peak = max(known, key=lambda item: _number(item[1]))
    sentence = (
        f"{what} {movement} from {first_label} ({formatter(first)}) "
        f"to {last_label} ({formatter(last)})"
    )
    if len(known) > 2:
        sentence += f"; highest in {peak_label} ({formatter(peak)})"
    return sentence + "."


def extremes(items: Sequence[tuple[str, object]], *, formatter: Formatter, what: str = "") -> str:
    """ "Highest: Supplier management 3.2; lowest: Spend analysis 1.8." for scores and levels,
    where a share of a total means nothing. Items without a value are left out."""
    known = [(label, value) for label, value in items if value is not None]
    prefix = f"{what}: " if what else ""
    if not known:
        return f"{prefix}no values yet."
    high = max(known, key=lambda item: _number(item[1]))
    low = min(known, key=lambda item: _number(item[1]))
    if len(known) == 1 or _number(high[1]) == _number(low[1]):
        return f"{prefix}{', '.join(label for label, _ in known)} all at {formatter(high[1])}."
    highest = "highest" if prefix else "Highest"
    return f"{prefix}{highest} {high[0]} {formatter(high[1])}; lowest {low[0]} {formatter(low[1])}."


def movers(series: dict[str, Sequence[object]], *, formatter: Formatter, count: int = 1) -> str:
    """Of several lines over the same periods, which rose most and which fell most (or rose
    least) between each line's first and last value: "Most improved: Supply risk +0.8; least:
    Innovation −0.2." Lines with fewer than two values are left out."""
    moves = []
    for name, values in series.items():
        known = [_number(value) for value in values if value is not None]
        if len(known) >= 2:
            moves.append((name, known[-1] - known[0]))
    if not moves:
        return ""
    moves.sort(key=lambda item: -item[1])

    def signed(amount: float) -> str:
        text = formatter(abs(amount))
        return ("+" if amount > 0 else "−" if amount < 0 else "±") + text

    best = moves[:count]
    sentence = "Most improved: " + ", ".join(f"{name} {signed(d)}" for name, d in best)
    if len(moves) > count:
        worst = moves[-1]
        sentence += f"; least: {worst[0]} {signed(worst[1])}"
    return sentence + "."


def counts(groups: Sequence[tuple[str, int]], *, noun: str) -> str:
    """ "20 categories: 4 strategic, 6 leverage, 1 bottleneck, 9 non-critical." Empty groups
    are named too, with 0: that none is strategic is worth saying."""
    total = sum(number for _, number in groups)
    plural = noun if total == 1 else f"{noun}s" if not noun.endswith("y") else f"{noun[:-1]}ies"
    parts = ", ".join(f"{number:,} {name}" for name, number in groups)
    return f"{total:,} {plural}: {parts}."


def join(*sentences: str) -> str:
    """Sentences in order, the empty ones left out."""
    return " ".join(sentence for sentence in sentences if sentence)
