""" "You said, we did" on plain values: which survey answers raise a concern procurement owes a
response to, and the figures of how well it answers them (share answered, median days to a
response, actions done on time, satisfaction change after action against without).

A concern is
- a void (satisfaction.is_void: a detractor, or unhappy on the driver the unit weights highest);
- an answer with satisfaction <= 2 on a driver the unit weights highly (at least an equal share
  of its stated priorities, or, without stated priorities, rated important: 4 or 5), unless the
  void of the same answer already names that driver;
- a comment.

In an anonymous round a concern belongs to the category (and driver) as a whole, never to a
unit: one void concern per category however many units are voids, one per driver, one for the
comments. There "weights highly" reads only the answer's own importance rating, since each
unit's stated priorities are readable one by one by the category's manager and would point at
the unit that holds them.
"""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from stakeholders import satisfaction

VOID = "void"
LOW_SATISFACTION = "low"
COMMENT = "comment"
HIGH_IMPORTANCE = 4  # an importance rating of 4 or 5 out of 5 is "weights highly"


@dataclass(frozen=True)
class Answer:
    """One submitted answer of a unit on a category: ratings maps driver id to (importance,
    satisfaction); weights the unit's stated priority weights by driver id (empty if none)."""

    unit_id: int
    category_id: int
    recommend: int | None
    comment: str = ""
    ratings: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    raised_on: object = None  # the day the answer was submitted


@dataclass(frozen=True)
class Concern:
    key: str
    kind: str
    category_id: int
    driver_id: int | None = None
    unit_id: int | None = None  # None: raised in an anonymous round, the category's as a whole
    answers: int = 1  # how many answers raised it
    detractor: bool = False
    satisfaction: int | None = None  # named rounds: the low score that raised it
    comment: str = ""  # named rounds only
    raised_on: object = None


def key(kind: str, category_id: int, driver_id=None, unit_id=None) -> str:
    """The concern's name within its round, safe in an address: kind-category[-dDRIVER][-uUNIT]."""
    parts = [kind, str(category_id)]
    if driver_id is not None:
        parts.append(f"d{driver_id}")
    if unit_id is not None:
        parts.append(f"u{unit_id}")
    return "-".join(parts)


def parse_key(text: str) -> tuple[str, int, int | None, int | None] | None:
    """(kind, category id, driver id, unit id) of a key, or None when it is not one."""
    parts = text.split("-")
    if len(parts) < 2 or parts[0] not in (VOID, LOW_SATISFACTION, COMMENT):
        return None
    if not parts[1].isdigit():
        return None
    driver = unit = None
    for part in parts[2:]:
        if len(part) < 2 or not part[1:].isdigit():
            return None
        if part[0] == "d" and driver is None and unit is None:
            driver = int(part[1:])
        elif part[0] == "u" and unit is None:
            unit = int(part[1:])
        else:
            return None
    if (parts[0] == LOW_SATISFACTION) != (driver is not None):
        return None
    return parts[0], int(parts[1]), driver, unit


def weighs_highly(answer: Answer, driver_id, *, anonymous: bool) -> bool:
    """Whether the unit weights the driver highly: at least an equal share of its stated weights
    (named rounds with stated priorities), else an importance rating of 4 or 5."""
    if answer.weights and not anonymous:
        weight = answer.weights.get(driver_id)
        return weight is not None and weight >= 1 / len(answer.weights) - 1e-9
    importance = answer.ratings.get(driver_id, (None, None))[0]
    return importance is not None and importance >= HIGH_IMPORTANCE


def _void_drivers(answer: Answer) -> tuple[bool, bool, set]:
    """(is a void, is a detractor, the top drivers it is unhappy on), as the voids page reads
    them: stated weights, else the importance the answer gave."""
    stated = answer.weights or {
        driver: importance or 0 for driver, (importance, _) in answer.ratings.items()
    }
    top = satisfaction.top_drivers(stated)
    unhappy = {
        d
        for d in top
        if d in answer.ratings
        and answer.ratings[d][1] is not None
        and answer.ratings[d][1] <= satisfaction.VOID_SATISFACTION
    }
    detractor = (
        answer.recommend is not None
        and satisfaction.recommend_group(answer.recommend) == "detractor"
    )
    return detractor or bool(unhappy), detractor, unhappy


def concerns_in(answers: Iterable[Answer], *, anonymous: bool) -> list[Concern]:
    """Every concern the answers of one round raise, in a fixed order (category, kind, driver,
    unit). Anonymous: one per category and kind (and driver), counting the answers behind it."""
    found: dict[str, Concern] = {}
    for answer in answers:
        void, detractor, unhappy_top = _void_drivers(answer)
        raised = []
        if void:
            raised.append((VOID, None, None))
        for driver_id, (_importance, level) in sorted(answer.ratings.items()):
            if level is None or level > satisfaction.VOID_SATISFACTION:
                continue
            if driver_id in unhappy_top or not weighs_highly(
                answer, driver_id, anonymous=anonymous
            ):
                continue
            raised.append((LOW_SATISFACTION, driver_id, level))
        if answer.comment.strip():
            raised.append((COMMENT, None, None))
        for kind, driver_id, level in raised:
            unit_id = None if anonymous else answer.unit_id
            name = key(kind, answer.category_id, driver_id, unit_id)
            if name in found:
                held = found[name]
                found[name] = Concern(
                    name,
                    kind,
                    answer.category_id,
                    driver_id,
                    None,
                    held.answers + 1,
                    raised_on=max(held.raised_on, answer.raised_on)
                    if held.raised_on and answer.raised_on
                    else held.raised_on or answer.raised_on,
                )
                continue
            found[name] = Concern(
                name,
                kind,
                answer.category_id,
                driver_id,
                unit_id,
                detractor=detractor and kind == VOID and not anonymous,
                satisfaction=None if anonymous else level,
                comment="" if anonymous or kind != COMMENT else answer.comment.strip(),
                raised_on=answer.raised_on,
            )
    order = {VOID: 0, LOW_SATISFACTION: 1, COMMENT: 2}
    return sorted(
        found.values(),
        key=lambda c: (c.category_id, order[c.kind], c.driver_id or 0, c.unit_id or 0),
    )


# --- How well procurement answers --------------------------------------------------------------


def answered_share(concerns: int, answered: int) -> float | None:
    """Share of concerns with a response, 0..1; None when there were none to answer."""
    if concerns <= 0:
        return None
    return min(answered, concerns) / concerns


def days_to_response(raised_on, responded_on) -> int:
    """Whole days from the concern being raised to the response; a response written the day
    the concern was raised took 0 days (never fewer)."""
    return max(0, (responded_on - raised_on).days)


def median_days(days: Iterable[int]) -> float | None:
    """The median days to a response over the responses given; None without any. The median,
    not the mean, so one concern left for months does not hide how fast the rest were answered."""
    days = list(days)
    return statistics.median(days) if days else None


@dataclass(frozen=True)
class OnTime:
    done_on_time: int
    due: int  # actions whose date has come, done or not, and actions done early

    @property
    def share(self) -> float | None:
        return self.done_on_time / self.due if self.due else None


def on_time(actions: Iterable[tuple], today) -> OnTime:
    """Of the promised actions (due_on, done_on) whose due date has passed or that are done,
    how many were done by their due date. An action not yet due and not done counts nowhere:
    it can still be on time."""
    done_on_time = due = 0
    for due_on, done_on in actions:
        if due_on is None:
            continue
        if done_on is None and due_on >= today:
            continue
        due += 1
        if done_on is not None and done_on <= due_on:
            done_on_time += 1
    return OnTime(done_on_time, due)


def is_overdue(due_on, done_on, today) -> bool:
    return due_on is not None and done_on is None and due_on < today


@dataclass(frozen=True)
class Change:
    """Mean satisfaction change from the round a concern was raised to the next, over the
    concerns where the promised action was done (`acted`) and where it was not."""

    acted: float | None
    acted_count: int
    not_acted: float | None
    not_acted_count: int

    @property
    def difference(self) -> float | None:
        """How much more satisfaction rose where procurement acted."""
        if self.acted is None or self.not_acted is None:
            return None
        return self.acted - self.not_acted


def satisfaction_change(pairs: Iterable[tuple]) -> Change:
    """pairs: (acted, satisfaction before, satisfaction after) for each concern followed up in a
    later round; pairs missing either satisfaction are left out."""
    acted, not_acted = [], []
    for did_act, before, after in pairs:
        if before is None or after is None:
            continue
        (acted if did_act else not_acted).append(after - before)
    return Change(
        statistics.fmean(acted) if acted else None,
        len(acted),
        statistics.fmean(not_acted) if not_acted else None,
        len(not_acted),
    )
