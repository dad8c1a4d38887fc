"""The arithmetic of procurement maturity, on plain values: the levels and dimensions, the
organisation's level per dimension, the level a questionnaire's answers reach, and the level the
evidence the app already holds supports.

Levels follow the ladder the category-management consultancies use (DESIGN.md "Maturity"):
reactive purchasing at the bottom, category management (value creating) at the top. The data
can show up to strategic sourcing on most dimensions; level 5 is always a person's judgement,
backed by the data where the data reaches.
"""

from dataclasses import dataclass
from decimal import Decimal

LEVELS = {
    1: "Reactive purchasing",
    2: "Transactional control",
    3: "Leveraged buying",
    4: "Strategic sourcing",
    5: "Category management",
}
LOWEST, HIGHEST = 1, 5

# Dimension keys, in the order the radar, heatmap and forms show them.
STAKEHOLDER_FOCUS = "stakeholder_focus"
SPEND_INSIGHT = "spend_insight"
CATEGORY_PLANNING = "category_planning"
SUPPLIER_RELATIONSHIPS = "supplier_relationships"
VALUE_BEYOND_SAVINGS = "value_beyond_savings"
COLLABORATION = "collaboration_governance"
DIMENSIONS = {
    STAKEHOLDER_FOCUS: "Stakeholder focus",
    SPEND_INSIGHT: "Spend insight",
    CATEGORY_PLANNING: "Category planning",
    SUPPLIER_RELATIONSHIPS: "Supplier relationships",
    VALUE_BEYOND_SAVINGS: "Value beyond savings",
    COLLABORATION: "Collaboration and governance",
}


def level_name(level) -> str:
    """ "Leveraged buying" for 3; a mean such as 3.4 takes the name of the level it has reached."""
    if level is None:
        return "Not assessed"
    return LEVELS[max(LOWEST, min(HIGHEST, int(level)))]


def organisation_level(levels: dict, spend: dict) -> float | None:
    """The organisation's level on one dimension: the mean of the categories' levels weighted by
    each category's spend, so a large category moves the figure more than a small one.

    `levels`: {category: level} for the assessed categories; `spend`: {category: spend}.
    Categories without spend count for nothing, unless no assessed category has spend, when
    every assessed category counts equally (a new taxonomy before its first import). None when
    nothing is assessed."""
    if not levels:
        return None
    weights = {key: max(Decimal(spend.get(key) or 0), Decimal(0)) for key in levels}
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return sum(levels.values()) / len(levels)
    return float(sum(weights[key] * Decimal(level) for key, level in levels.items()) / total)


def organisation_profile(levels_by_category: dict, spend: dict) -> dict:
    """{dimension: organisation level} from {category: {dimension: level}}; a category counts
    on the dimensions it was assessed on."""
    profile = {}
    for dimension in DIMENSIONS:
        levels = {
            category: levels[dimension]
            for category, levels in levels_by_category.items()
            if levels.get(dimension) is not None
        }
        profile[dimension] = organisation_level(levels, spend)
    return profile


def answers_level(answers: list) -> int:
    """The level a dimension's questionnaire reaches. The statements form a ladder, one per
    level from 2 up: a level counts only when every statement below it holds too, so a "yes"
    at the top cannot make up for a "no" at the bottom (a Guttman scale). All "no" is level 1."""
    level = LOWEST
    for holds in answers:
        if not holds:
            break
        level += 1
    return min(level, HIGHEST)


def suggested_level(answered: int, evidence: int | None) -> int:
    """What the app proposes: the answers' level, held down to what the evidence supports where
    the app holds evidence. Evidence never lifts a level the answers do not claim."""
    if evidence is None:
        return answered
    return min(answered, evidence)


def needs_note(level: int, evidence: int | None) -> bool:
    """A final level above what the evidence supports must say why."""
    return evidence is not None and level > evidence


# --- Evidence rules -----------------------------------------------------------------------------
# Each takes the figures the app holds for one category and returns the highest level they
# support with the reason in words, or (None, reason) when the app holds nothing to judge by.


@dataclass(frozen=True)
class Evidence:
    level: int | None
    reason: str


def _band(value: float, cuts: tuple) -> int:
    """1 + how many of the ascending `cuts` the value reaches."""
    return LOWEST + sum(1 for cut in cuts if value >= cut)


PRIORITY_COVERAGE_CUTS = (0.25, 0.50, 0.75)  # levels 2, 3, 4
NPS_FOR_LEVEL_5 = 20


def stakeholder_focus(
    priority_coverage: float | None, nps: float | None, voids: int, responses: int
) -> Evidence:
    """Share of the category's spend whose unit has stated its priorities: under a quarter is
    reactive, three quarters or more is strategic sourcing. Level 5 also needs the units to
    have answered a satisfaction round, a procurement NPS of at least +20 and no voids."""
    if priority_coverage is None:
        return Evidence(None, "No spend in the last twelve months to weigh priorities against.")
    level = _band(priority_coverage, PRIORITY_COVERAGE_CUTS)
    reason = f"{priority_coverage:.0%} of spend comes from units that stated priorities"
    if level == 4:
        if responses and nps is not None and nps >= NPS_FOR_LEVEL_5 and voids == 0:
            return Evidence(5, f"{reason}; NPS {nps:+.0f} and no voids")
        if not responses:
            reason += "; no satisfaction answers yet"
        else:
            shown = "n/a" if nps is None else f"{nps:+.0f}"
            reason += f"; NPS {shown}, {voids} void{'s' if voids != 1 else ''}"
    return Evidence(level, reason)


# Most spend: the share of the category's spend with segmented suppliers that counts as knowing
# the supply base.
SEGMENTED_SPEND = 0.8


def spend_insight(
    months_with_spend: int, segmented_share: float, kraljic_reviewed: bool
) -> Evidence:
    """Spend insight: twelve months of classified spend are transactional control; the owner's
    review of the Kraljic position or most spend with segmented suppliers is leveraged buying;
    both are strategic sourcing."""
    if months_with_spend == 0:
        return Evidence(1, "No classified spend in the last twelve months")
    parts = [f"{months_with_spend} of 12 months with classified spend"]
    level = 2 if months_with_spend >= 12 else 1
    segmented = segmented_share >= SEGMENTED_SPEND
    parts.append(f"{segmented_share:.0%} of spend with segmented suppliers")
    parts.append(
        "Kraljic position reviewed by the owner"
        if kraljic_reviewed
        else "Kraljic position not reviewed"
    )
    if level == 2:
        level += int(segmented) + int(kraljic_reviewed)
    return Evidence(level, "; ".join(parts))


def supplier_relationships(
    strategic: int, with_plan: int, segmented_share: float, strategic_time_share: float | None
) -> Evidence:
    """Relationship plans for the strategic partners, on top of segmenting the supply base:
    under half the spend segmented is reactive; segmented without plans is transactional; some
    partners with plans is leveraged buying; all of them is strategic sourcing; all of them and
    at least half the time logged with the category's suppliers spent on the partners is level 5.
    """
    if segmented_share < 0.5:
        return Evidence(1, f"Only {segmented_share:.0%} of spend with segmented suppliers")
    if strategic == 0:
        return Evidence(2, "No strategic partner identified among the category's suppliers")
    reason = f"{with_plan} of {strategic} strategic partners have a relationship plan"
    if with_plan == 0:
        return Evidence(2, reason)
    if with_plan < strategic:
        return Evidence(3, reason)
    if strategic_time_share is not None and strategic_time_share >= 0.5:
        return Evidence(5, f"{reason}; {strategic_time_share:.0%} of supplier time with them")
    shown = "no time logged" if strategic_time_share is None else f"{strategic_time_share:.0%}"
    return Evidence(4, f"{reason}; supplier time with them: {shown}")


UNITS_MET_CUTS = (0.25, 0.50, 0.75)


def collaboration(units_buying: int, units_met: int, answered_share: float | None) -> Evidence:
    """Working with the business: the share of the units that buy the category that procurement
    met about it in the last twelve months; level 5 also needs every unit asked in the latest
    satisfaction round to have answered."""
    if units_buying == 0:
        return Evidence(None, "No unit bought in the category in the last twelve months")
    share = units_met / units_buying
    level = _band(share, UNITS_MET_CUTS)
    reason = f"met {units_met} of {units_buying} buying units in the last twelve months"
    if level == 4 and answered_share is not None and answered_share >= 1:
        return Evidence(5, f"{reason}; every unit answered the latest survey")
    return Evidence(level, reason)


PLAN_STAGES = {"none": 1, "draft": 2, "in_review": 2, "approved": 3, "active": 3, "closed": 2}


def category_planning(plan_status: str | None, initiatives: int, realised: bool) -> Evidence:
    """A plan approved by the CPO is leveraged buying; with initiatives it is strategic sourcing;
    with an initiative realised, category management. No plan at all is reactive."""
    if plan_status is None:
        return Evidence(1, "No category plan")
    level = PLAN_STAGES.get(plan_status, 2)
    reason = f"plan {plan_status.replace('_', ' ')}"
    if level == 3 and initiatives:
        level = 5 if realised else 4
        reason += f" with {initiatives} initiative{'s' if initiatives != 1 else ''}"
        if realised:
            reason += ", some realised"
    return Evidence(level, reason)


BEYOND_SAVINGS_CUTS = (0.0001, 0.20, 0.40)  # any, a fifth, two fifths of the value


def value_beyond_savings(
    hard_savings: Decimal, cost_avoidance: Decimal, revenue: Decimal
) -> Evidence:
    """The share of the plan's expected value that is not hard savings (cost avoidance and new
    revenue): nothing expected is reactive, hard savings alone transactional, any other value
    leveraged buying, a fifth strategic sourcing, two fifths category management."""
    total = hard_savings + cost_avoidance + revenue
    if total <= 0:
        return Evidence(1, "No value expected from initiatives")
    share = float((cost_avoidance + revenue) / total)
    return Evidence(
        LOWEST + _band(share, BEYOND_SAVINGS_CUTS),
        f"{share:.0%} of expected value is not hard savings",
    )


def portfolio_share(part: Decimal, whole: Decimal) -> float | None:
    """`part` as a share of `whole`; None when there is no whole to speak of."""
    return float(part / whole) if whole else None


# --- Over time ----------------------------------------------------------------------------------


def latest_levels(history, as_of=None) -> dict:
    """{category: {dimension: level}} from each category's latest assessment on or before
    `as_of` (all of them when None). `history`: (category, date, dimension, level) tuples, one
    per score."""
    latest_date = {}
    for category, day, _dimension, _level in history:
        if (as_of is None or day <= as_of) and day > latest_date.get(category, day.min):
            latest_date[category] = day
    levels: dict = {}
    for category, day, dimension, level in history:
        if latest_date.get(category) == day:
            levels.setdefault(category, {})[dimension] = level
    return levels


def overall(profile: dict) -> float | None:
    """One figure for a profile: the plain mean over the dimensions that have a level."""
    values = [value for value in profile.values() if value is not None]
    return sum(values) / len(values) if values else None


def trend(history, spend: dict) -> list[tuple]:
    """(date, organisation profile) at each date anyone assessed, each category counting with
    its latest assessment up to that date (a category not yet assessed is left out). Weighted
    by today's spend, so the line moves with maturity, not with spend."""
    dates = sorted({day for _category, day, _dimension, _level in history})
    return [(day, organisation_profile(latest_levels(history, day), spend)) for day in dates]


def previous_levels(history) -> dict:
    """{category: {dimension: level}} from each category's assessment before its latest one;
    a category assessed once is left out."""
    dates: dict = {}
    for category, day, _dimension, _level in history:
        dates.setdefault(category, set()).add(day)
    before = {category: sorted(days)[-2] for category, days in dates.items() if len(days) > 1}
    levels: dict = {}
    for category, day, dimension, level in history:
        if before.get(category) == day:
            levels.setdefault(category, {})[dimension] = level
    return levels


def change(latest: dict, previous: dict | None) -> float | None:
    """How far a category's overall level moved since its previous assessment (None without
    one), over the dimensions assessed both times so a newly answered dimension does not
    count as progress."""
    if not previous:
        return None
    shared = [key for key in latest if latest[key] is not None and previous.get(key) is not None]
    if not shared:
        return None
    return (sum(latest[key] for key in shared) - sum(previous[key] for key in shared)) / len(shared)
