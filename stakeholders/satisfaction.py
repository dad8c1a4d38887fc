"""The arithmetic of satisfaction rounds on plain values: procurement NPS, the importance-
performance quadrants, weighted gaps, voids, the anonymity rule and service-agreement status."""

from dataclasses import dataclass

from stakeholders.disclosure import MIN_RESPONDENTS

PROMOTER_FROM = 9  # 9-10 recommend
DETRACTOR_UP_TO = 6  # 0-6 detract; 7-8 are passive
SCALE_MIDPOINT = 3  # importance and satisfaction are rated 1..5
VOID_SATISFACTION = 2  # satisfaction at or below this on the top driver is a void


def recommend_group(score: int) -> str:
    if score >= PROMOTER_FROM:
        return "promoter"
    if score <= DETRACTOR_UP_TO:
        return "detractor"
    return "passive"


@dataclass(frozen=True)
class NetPromoterScore:
    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """% promoters minus % detractors, -100..100; None with no answers (not zero: nobody
        said anything)."""
        if not self.responses:
            return None
        return 100 * (self.promoters - self.detractors) / self.responses


def nps(scores) -> NetPromoterScore:
    """Procurement NPS of a list of 0..10 recommend scores."""
    groups = [recommend_group(score) for score in scores]
    return NetPromoterScore(
        groups.count("promoter"), groups.count("passive"), groups.count("detractor")
    )


QUADRANTS = {
    (True, False): "Concentrate here",
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}


def quadrant(importance: float, satisfaction: float, midpoint: float = SCALE_MIDPOINT) -> str:
    """The importance-performance quadrant (Martilla and James 1977), split at the scale's
    midpoint: important and poorly served is where to concentrate."""
    return QUADRANTS[(importance >= midpoint, satisfaction >= midpoint)]


def weighted_gap(importance: float, satisfaction: float) -> float:
    """importance x (importance - satisfaction): a shortfall counts more where it matters more."""
    return importance * (importance - satisfaction)


def is_void(recommend: int | None, top_driver_satisfaction: list) -> bool:
    """A unit x category pair someone else will step into: the unit is a detractor, or it rates
    satisfaction <= 2 on a driver it weights highest (several may tie for highest)."""
    if recommend is not None and recommend_group(recommend) == "detractor":
        return True
    return any(s is not None and s <= VOID_SATISFACTION for s in top_driver_satisfaction)


def top_drivers(weights: dict) -> set:
    """The drivers a unit weights highest (all of them on a tie)."""
    if not weights:
        return set()
    highest = max(weights.values())
    return {driver for driver, weight in weights.items() if abs(weight - highest) < 1e-9}


def may_show(respondents: int, anonymous: bool) -> bool:
    """In an anonymous round a figure over fewer than three responses would point at a unit."""
    return not anonymous or respondents >= MIN_RESPONDENTS


AGREEMENT_STATUSES = ("On track", "At risk", "Missed")
AT_RISK_MARGIN = 0.10


def agreement_status(target: float, actual: float, higher_is_better: bool) -> str:
    """On track when the target is met; at risk within 10% of it; missed beyond that."""
    if higher_is_better:
        shortfall = target - actual
    else:
        shortfall = actual - target
    if shortfall <= 0:
        return "On track"
    if shortfall <= abs(target) * AT_RISK_MARGIN:
        return "At risk"
    return "Missed"
