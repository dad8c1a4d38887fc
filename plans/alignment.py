"""The arithmetic and rules of category plans on plain values: value alignment, conflicts with
what the affected units value, the savings-versus-alignment ranking, the workflow's allowed
moves and what changed between two saves. No ORM here: views gather, these decide."""

from dataclasses import dataclass
from decimal import Decimal

from plans.savings import normalised

IMPACT_RANGE = (-2, 2)
DEFAULT_CONFLICT_THRESHOLD = 0.20
DEFAULT_SAVINGS_WEIGHT = 0.5


def value_alignment(weights: dict, impacts: dict) -> float:
    """Σ over drivers of weight × impact / 2 (issue 5). With weights summing to 1 and impacts on
    −2..+2 the result lies in −1..+1: +1 is "clearly better on everything the units value". A
    driver without an impact counts as 0; an impact on a driver nobody weighted counts for
    nothing."""
    low, high = IMPACT_RANGE
    for driver, impact in impacts.items():
        if not low <= impact <= high:
            raise ValueError(f"Impact on {driver} must be between {low} and {high}, not {impact}.")
    return sum(weight * impacts.get(driver, 0) for driver, weight in weights.items()) / 2


@dataclass(frozen=True)
class Conflict:
    """A unit that loses on a driver it weights highly."""

    unit: object
    driver: object
    weight: float
    impact: int


def conflicts(
    savings, impacts: dict, unit_weights: dict, threshold: float = DEFAULT_CONFLICT_THRESHOLD
) -> list[Conflict]:
    """Who loses what: for an initiative that saves money (savings > 0), every (affected unit,
    driver) where the impact is negative and the unit weights the driver at or above
    `threshold`. `unit_weights` holds only the affected units. Heaviest loss first."""
    if not savings or savings <= 0:
        return []
    found = [
        Conflict(unit, driver, weights.get(driver, 0.0), impact)
        for driver, impact in impacts.items()
        if impact < 0
        for unit, weights in unit_weights.items()
        # A weight stored as 0.2 may read back as 0.19999999999999998.
        if weights.get(driver, 0.0) >= threshold - 1e-9
    ]
    return sorted(found, key=lambda c: (c.weight * c.impact, str(c.unit), str(c.driver)))


@dataclass(frozen=True)
class Ranked:
    key: object
    benefit: float
    alignment: float
    normalised_benefit: float
    score: float


def rank(items, savings_weight: float = DEFAULT_SAVINGS_WEIGHT) -> list[Ranked]:
    """score = α × normalised savings + (1 − α) × alignment, highest first; `items` are
    (key, financial benefit, alignment). Savings are normalised by the largest in the plan
    (see savings.normalised), so both terms are on a comparable scale: savings 0..1,
    alignment −1..+1."""
    if not 0 <= savings_weight <= 1:
        raise ValueError("α must be between 0 and 1.")
    items = list(items)
    scaled = normalised([benefit for _, benefit, _ in items])
    ranked = [
        Ranked(
            key,
            float(benefit),
            alignment,
            share,
            savings_weight * share + (1 - savings_weight) * alignment,
        )
        for (key, benefit, alignment), share in zip(items, scaled, strict=True)
    ]
    return sorted(ranked, key=lambda r: (-r.score, -r.normalised_benefit, str(r.key)))


# --- Workflow ----------------------------------------------------------------------------------

DRAFT, IN_REVIEW, APPROVED, ACTIVE, CLOSED = "draft", "in_review", "approved", "active", "closed"
OWNER, CPO = "owner", "cpo"

# action: (from statuses, to status, who may take it)
TRANSITIONS = {
    "submit": ((DRAFT,), IN_REVIEW, OWNER),
    "withdraw": ((IN_REVIEW,), DRAFT, OWNER),
    "return": ((IN_REVIEW,), DRAFT, CPO),
    "approve": ((IN_REVIEW,), APPROVED, CPO),
    "activate": ((APPROVED,), ACTIVE, OWNER),
    "close": ((ACTIVE,), CLOSED, OWNER),
}
ACTION_LABELS = {
    "submit": "Submit for review",
    "withdraw": "Withdraw to draft",
    "return": "Return to the owner",
    "approve": "Approve",
    "activate": "Start running it",
    "close": "Close",
}
# An edit to an approved or running plan reopens the review of a new revision.
REOPENED_BY_EDIT = (APPROVED, ACTIVE)
EDITABLE = (DRAFT, IN_REVIEW, APPROVED, ACTIVE)


class TransitionRefused(Exception):
    pass


def next_status(status: str, action: str, roles: set) -> str:
    """Where `action` takes a plan in `status` for someone with `roles` ("owner", "cpo");
    TransitionRefused, with the reason in words, otherwise."""
    if action not in TRANSITIONS:
        raise TransitionRefused(f"Unknown action {action!r}.")
    sources, target, who = TRANSITIONS[action]
    if status not in sources:
        raise TransitionRefused(
            f"A plan that is {status.replace('_', ' ')} cannot be taken to "
            f"{target.replace('_', ' ')} that way."
        )
    if who not in roles:
        person = "the CPO" if who == CPO else "the category's owner"
        raise TransitionRefused(f"Only {person} may {ACTION_LABELS[action].lower()}.")
    return target


def allowed_actions(status: str, roles: set) -> list[str]:
    return [
        action
        for action, (sources, _, who) in TRANSITIONS.items()
        if status in sources and who in roles
    ]


def status_after_edit(status: str) -> str:
    """An edit to an approved or running plan sends it back to review; otherwise unchanged."""
    if status == CLOSED:
        raise TransitionRefused("A closed plan is kept as it was; it cannot be changed.")
    return IN_REVIEW if status in REOPENED_BY_EDIT else status


def changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for every field whose value differs (as text, so the result
    can be stored as JSON and shown as it was typed)."""
    return {
        name: [_text(before.get(name)), _text(after.get(name))]
        for name in sorted(set(before) | set(after))
        if _text(before.get(name)) != _text(after.get(name))
    }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Money typed as "60000" and stored as 60000.00 is the same amount.
        return f"{value:.2f}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)
