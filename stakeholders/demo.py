"""The demo company's voice of the internal customer: priorities (some by points, some by
pairwise comparison, one inconsistent), two past survey rounds and one open, service agreements
and an engagement log. Deterministic for a seed and a day; dates follow `today` so that one round
is always open."""

import datetime
from itertools import combinations

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from categories.models import Category
from plans.models import Initiative
from spend.models import SpendSummary
from stakeholders import ahp, you_said
from stakeholders.models import (
    AgreementMeasure,
    BusinessUnit,
    ConcernResponse,
    ConcernVerdict,
    EngagementEntry,
    MeasureResult,
    Priority,
    PriorityWeight,
    ServiceAgreement,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
    ValueDriver,
)
from stakeholders.satisfaction import recommend_group
from suppliers.models import RelationshipAction

# What each unit cares about, driver name -> relative importance. Units not listed value
# cost, quality and service evenly.
PROFILES = {
    "MFG": {"Quality": 9, "Delivery & speed": 8, "Cost": 6, "Risk & continuity": 6},
    "SCL": {"Delivery & speed": 9, "Risk & continuity": 7, "Cost": 6, "Sustainability": 3},
    "SAM": {"Innovation": 8, "Revenue growth": 9, "Service & responsiveness": 6, "Cost": 2},
    "RND": {"Innovation": 9, "Quality": 7, "Service & responsiveness": 4},
    "IT": {"Service & responsiveness": 8, "Risk & continuity": 7, "Cost": 5, "Innovation": 4},
    "FIN": {"Cost": 9, "Risk & continuity": 6, "Service & responsiveness": 3},
    "FAC": {"Cost": 6, "Service & responsiveness": 7, "Sustainability": 6},
}
DEFAULT_PROFILE = {"Cost": 5, "Quality": 5, "Service & responsiveness": 5}
# (unit, top-level category, how the weights were given); MFG leaves HR and TRV to do.
PRIORITIES = [
    ("MFG", "DM", "pairwise"),
    ("MFG", "PK", "points"),
    ("MFG", "EN", "points"),
    ("MFG", "MRO", "pairwise"),
    ("MFG", "FM", "points"),
    ("SCL", "LOG", "pairwise"),
    ("SCL", "PK", "points"),
    ("SCL", "DM", "points"),
    ("SAM", "MKT", "points"),
    ("SAM", "TRV", "points"),
    ("SAM", "LOG", "points"),
    ("RND", "DM", "pairwise"),
    ("IT", "IT", "pairwise"),
    ("FIN", "PS", "points"),
    ("FIN", "IT", "points"),
    ("FAC", "FM", "pairwise"),
    ("FAC", "EN", "points"),
]
INCONSISTENT = ("RND", "DM")  # R&D's comparisons contradict themselves: the page says so

ROUND_UNITS = ("MFG", "SCL", "SAM", "IT", "FIN", "FAC")
ROUND_CATEGORIES = ("DM", "PK", "LOG", "IT", "FM", "PS")
# How well procurement serves each category, 1..5, improving a little each round.
SERVICE = {"DM": 3.1, "PK": 2.4, "LOG": 2.7, "IT": 3.5, "FM": 3.0, "PS": 3.6}
COMMENTS = {
    "DM": [
        "Lead times from the new flour mill keep slipping; we found out from the line.",
        "Good work on the dairy contract, but we want to hear about new ingredients sooner.",
        "Price is fine, quality of the sugar deliveries is not: two rejected loads this quarter.",
    ],
    "PK": [
        "Film supplier changed the spec without telling us; the line stopped twice.",
        "Good partnership on the carton redesign; keep it going.",
        "Sustainability data on packaging is patchy; customers ask for it in every tender.",
    ],
    "LOG": [
        "The carrier change saved money but deliveries to the north are late.",
        "Pallet costs keep creeping up; nobody explained why.",
    ],
    "IT": [
        "Quotes for laptops are quick now; licence renewals still arrive at the last minute.",
        "Hard to know who to ask: please publish who runs which category.",
    ],
    "FM": [
        "Cleaning contract works well; response to breakdowns could be faster.",
        "Invoices from the facilities provider are often wrong and take weeks to fix.",
    ],
    "PS": [
        "The legal panel is good value; agency day rates are still all over the place.",
        "Contract renewals arrive at the last minute, leaving no time to challenge.",
    ],
}


def load(seed: int = 7, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    rng = np.random.default_rng([seed, 4])
    units = {unit.code: unit for unit in BusinessUnit.objects.all()}
    tops = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    drivers = list(ValueDriver.objects.filter(active=True))
    users = {user.username: user for user in get_user_model().objects.all()}
    if not drivers or not units:
        return
    # load_demo only runs on an empty database or after --reset; rounds hang on units only
    # through many-to-many links, so a reset would leave them behind: start afresh.
    for model in (SurveyRound, Priority, ServiceAgreement, EngagementEntry):
        # The base manager: removed agreements and log entries go too.
        model._base_manager.all().delete()
    _priorities(rng, units, tops, drivers)
    _rounds(rng, units, tops, drivers, users.get("cpo"), today)
    _agreements(rng, units, users.get("manager"), today)
    _engagement(rng, units, tops, users, today)


def _profile(code, drivers, rng) -> np.ndarray:
    profile = PROFILES.get(code, DEFAULT_PROFILE)
    base = np.array([profile.get(d.name, 1.5) for d in drivers], dtype=float)
    return base * rng.uniform(0.8, 1.25, len(drivers))


def _priorities(rng, units, tops, drivers):
    weights_rows = []
    for unit_code, category_code, method in PRIORITIES:
        if unit_code not in units or category_code not in tops:
            continue
        values = _profile(unit_code, drivers, rng)
        priority = Priority(unit=units[unit_code], category=tops[category_code], method=method)
        if method == "points":
            points = _hundred_points(values)
            priority.save()
            weights_rows += [
                PriorityWeight(priority=priority, driver=d, weight=p / 100, points=p)
                for d, p in zip(drivers, points, strict=True)
            ]
            continue
        judgements = {
            (i, j): ahp.nearest_scale_value(values[i] / values[j])
            for i, j in combinations(range(len(drivers)), 2)
        }
        if (unit_code, category_code) == INCONSISTENT:
            # Says innovation matters far less than cost, against every other answer.
            i, j = _index(drivers, "Cost"), _index(drivers, "Innovation")
            judgements[(min(i, j), max(i, j))] = 9.0 if i < j else 1 / 9
        result = ahp.priorities(ahp.matrix_from_judgements(len(drivers), judgements))
        priority.comparisons = {
            f"{drivers[i].pk},{drivers[j].pk}": value for (i, j), value in judgements.items()
        }
        priority.consistency_ratio = result.cr
        priority.save()
        weights_rows += [
            PriorityWeight(priority=priority, driver=d, weight=float(w))
            for d, w in zip(drivers, result.weights, strict=True)
        ]
    PriorityWeight.objects.bulk_create(weights_rows)


def _index(drivers, name):
    return next(i for i, d in enumerate(drivers) if d.name == name)


def _hundred_points(values: np.ndarray) -> list[int]:
    """Shares of 100 in steps of 5, as people give them, adding up to exactly 100."""
    steps = np.floor(values / values.sum() * 20).astype(int)
    remainder = values / values.sum() * 20 - steps
    for index in np.argsort(-remainder)[: 20 - steps.sum()]:
        steps[index] += 1
    return [int(s) * 5 for s in steps]


def _rounds(rng, units, tops, drivers, cpo, today):
    round_units = [units[c] for c in ROUND_UNITS if c in units]
    round_categories = [tops[c] for c in ROUND_CATEGORIES if c in tops]
    specs = [
        ("Internal customer survey, last spring", today - datetime.timedelta(days=380), 28, False),
        ("Internal customer survey, autumn", today - datetime.timedelta(days=190), 28, True),
        ("Internal customer survey, now open", today - datetime.timedelta(days=7), 28, False),
    ]
    ratings = []
    for number, (name, opens_on, days, anonymous) in enumerate(specs):
        survey_round = SurveyRound.objects.create(
            name=name,
            opens_on=opens_on,
            closes_on=opens_on + datetime.timedelta(days=days),
            anonymous=anonymous,
            created_by=cpo,
        )
        survey_round.units.set(round_units)
        survey_round.categories.set(round_categories)
        is_open = number == len(specs) - 1
        for unit in round_units:
            profile = _profile(unit.code, drivers, rng)
            importance = np.clip(np.rint(1.5 + 3.5 * profile / profile.max()), 1, 5)
            for category in round_categories:
                state = _state(rng, unit.code, is_open)
                if state is None:
                    continue
                service = SERVICE[category.code] + 0.25 * number
                # Procurement serves best what it has always chased (price), so shortfalls
                # grow with how much a unit cares: the "concentrate here" corner fills.
                expected = service - 0.45 * (importance - 3)
                expected[_index(drivers, "Cost")] += 0.6
                satisfaction = np.clip(np.rint(rng.normal(expected, 0.7)), 1, 5)
                if (unit.code, category.code) == ("MFG", "PK"):
                    # Packaging keeps letting Manufacturing down on what it values most.
                    satisfaction[_index(drivers, "Quality")] = 2
                recommend = int(
                    np.clip(np.rint(2.6 * satisfaction.mean() - 1.7 + rng.normal(0, 1.3)), 0, 10)
                )
                response = SurveyResponse.objects.create(
                    round=survey_round,
                    unit=unit,
                    category=category,
                    recommend=recommend,
                    comment=_pick(rng, COMMENTS.get(category.code, [""]))
                    if rng.random() < 0.5 or recommend_group(recommend) == "detractor"
                    else "",
                    submitted_at=None
                    if state == "draft"
                    else timezone.make_aware(
                        datetime.datetime.combine(opens_on, datetime.time(10))
                        + datetime.timedelta(days=int(rng.integers(1, 7)))
                    ),
                )
                ratings += [
                    SurveyRating(
                        response=response,
                        driver=driver,
                        importance=int(importance[k]),
                        satisfaction=int(satisfaction[k]),
                    )
                    for k, driver in enumerate(drivers)
                ]
    SurveyRating.objects.bulk_create(ratings)


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _state(rng, unit_code, is_open):
    """Past rounds: nearly everyone answered. The open one: some answered, some drafts, and
    Manufacturing (the demo unit lead) still has most of theirs to do."""
    if not is_open:
        return "submitted" if rng.random() < 0.9 else None
    if unit_code == "MFG":
        return None if rng.random() < 0.7 else "draft"
    return ["submitted", "submitted", "draft", None][int(rng.integers(4))]


AGREEMENTS = [
    (
        "MFG",
        "Direct materials service for Manufacturing",
        "Keep the lines supplied: short request-to-order times, orders on time and in full, "
        "and early warning of supply risks.",
        [
            ("Request-to-order days", 5, False, 5.5),
            ("Orders on time and in full (%)", 95, True, 93),
        ],
    ),
    (
        "SCL",
        "Freight and warehousing service",
        "Carriers that deliver on time at an agreed cost; quarterly reviews with the unit.",
        [
            ("Deliveries on time (%)", 97, True, 96),
            ("Freight cost per pallet (GBP)", 42, False, 44),
        ],
    ),
    (
        "IT",
        "IT purchasing service",
        "Quotes for standard hardware within two days; licences renewed before expiry.",
        [
            ("Days to quote standard hardware", 2, False, 2.2),
            ("Licences renewed late", 0, False, 0.4),
        ],
    ),
]


def _agreements(rng, units, contact, today):
    month = today.replace(day=1)
    periods = [_months_back(month, k) for k in range(6, 0, -1)]
    results = []
    for unit_code, title, objectives, measures in AGREEMENTS:
        if unit_code not in units:
            continue
        agreement = ServiceAgreement.objects.create(
            unit=units[unit_code],
            title=title,
            objectives=objectives,
            starts_on=periods[0],
            ends_on=_months_back(month, -6),
            procurement_contact=contact,
        )
        for name, target, higher, typical in measures:
            measure = AgreementMeasure.objects.create(
                agreement=agreement, name=name, target=target, higher_is_better=higher
            )
            for period in periods:
                actual = max(0.0, typical * rng.uniform(0.9, 1.1))
                results.append(
                    MeasureResult(measure=measure, period=period, actual=round(actual, 1))
                )
    MeasureResult.objects.bulk_create(results)


def _months_back(month: datetime.date, k: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - k
    return datetime.date(index // 12, index % 12 + 1, 1)


TOPICS = [
    "Quarterly business review",
    "Demand forecast for next season",
    "Supplier performance issues",
    "New product introduction: materials",
    "Contract renewal options",
    "Survey follow-up",
    "Specification review",
]


def _engagement(rng, units, tops, users, today):
    managers = [
        users[name] for name in ("manager", "manager2", "manager3", "manager4") if name in users
    ]
    unit_list = list(units.values())
    top_list = list(tops.values())
    entries = []
    for _ in range(80):
        unit = unit_list[int(rng.integers(len(unit_list)))]
        manager = managers[int(rng.integers(len(managers)))] if managers else None
        entries.append(
            EngagementEntry(
                unit=unit,
                category=top_list[int(rng.integers(len(top_list)))]
                if rng.random() < 0.85
                else None,
                date=today - datetime.timedelta(days=int(rng.integers(0, 360))),
                minutes=int(rng.choice([30, 45, 60, 90, 120])),
                people=f"{manager.get_full_name() if manager else 'Procurement'}; {unit.name} team",
                topic=TOPICS[int(rng.integers(len(TOPICS)))],
                recorded_by=manager,
            )
        )
    EngagementEntry.objects.bulk_create(entries)


# --- You said, we did --------------------------------------------------------------------------

ACTIONS = {
    "void": [
        "Monthly review with the unit's operations lead; supplier scorecard shared each month.",
        "Re-tender with delivery and quality weighted above price.",
        "Named category contact for the unit and a fortnightly call until it settles.",
    ],
    "low": [
        "Supplier development plan on {driver}, with a KPI on the scorecard.",
        "Specification review with the unit to put {driver} first in the next contract.",
        "Escalation to the supplier's account director; corrective plan by month end.",
    ],
    "comment": [
        "Thank you: we have raised it with the supplier and will report back at the next review.",
        "Published the category contacts on the intranet and in every supplier review pack.",
        "Agreed a notice period of 90 days for renewals so the unit can challenge in time.",
    ],
}
NOT_ACTING = [
    "The price gap to the alternative is over 20 %; we keep the supplier and watch lead times.",
    "The contract runs until next year; we will address it in the re-tender.",
]


def load_concern_responses(seed: int = 7, today: datetime.date | None = None) -> None:
    """Responses to the two past rounds' concerns: most answered, some late or overdue, some
    done with the unit's word on whether it worked; the open round's concerns are left waiting
    for their managers. Run after the plans and suppliers demos, whose initiatives and
    relationship-plan actions the responses link to."""
    today = today or timezone.localdate()
    rng = np.random.default_rng([seed, 20])
    reader = get_user_model().objects.filter(username="cpo").first()
    if reader is None:
        return
    rounds = sorted(you_said.rounds_with_concerns(today), key=lambda r: (r.opens_on, r.pk))
    initiatives: dict = {}
    for initiative in Initiative.objects.select_related("plan__category"):
        top = initiative.plan.category.path.strip("/").split("/")[0]
        initiatives.setdefault(top, []).append(initiative)
    actions: dict = {}
    bought = dict(SpendSummary.objects.values_list("supplier", "category__path").distinct())
    for action in RelationshipAction.objects.select_related("plan"):
        path = bought.get(action.plan.supplier_id, "")
        actions.setdefault(path.strip("/").split("/")[0], []).append(action)
    measures: dict = {}
    for measure in AgreementMeasure.objects.select_related("agreement"):
        measures.setdefault(measure.agreement.unit_id, []).append(measure)
    leads = {unit.pk: unit.leads.first() for unit in BusinessUnit.objects.prefetch_related("leads")}
    for number, survey_round in enumerate(rounds):
        if survey_round.closes_on >= today:
            continue  # the open round's concerns wait for their managers
        later = rounds[number + 1] if number + 1 < len(rounds) else None
        # Oldest round first: what worked lifts the next round's answers before that round's
        # own concerns are read.
        rows = you_said.concern_rows(reader, rounds=[survey_round], today=today)
        _respond_to(rng, rows, later, initiatives, actions, measures, leads, today)


def _respond_to(rng, rows, later, initiatives, actions, measures, leads, today):
    verdicts = []
    for row in rows:
        answered_share = 0.8 if not row.round.anonymous else 0.65
        if rng.random() > answered_share:
            continue  # left unanswered: the CPO's share shows it
        raised = row.concern.raised_on or row.round.closes_on
        responded_on = raised + datetime.timedelta(days=int(rng.integers(1, 35)))
        owner = row.category.owner
        acting = rng.random() < 0.85
        response = ConcernResponse(
            round=row.round,
            key=row.key,
            category=row.category,
            kind=row.concern.kind,
            driver_id=row.concern.driver_id,
            unit_id=row.concern.unit_id,
            decision=ConcernResponse.ACT if acting else ConcernResponse.NO_ACTION,
            action=_pick(rng, ACTIONS[row.concern.kind]).format(driver=row.driver or "service")
            if acting
            else _pick(rng, NOT_ACTING),
            responded_at=timezone.make_aware(
                datetime.datetime.combine(responded_on, datetime.time(9))
            ),
            responded_by=owner,
        )
        if acting:
            response.due_on = responded_on + datetime.timedelta(days=int(rng.integers(30, 100)))
            top = row.category.code
            link = rng.random()
            if link < 0.45 and initiatives.get(top):
                response.initiative = _pick(rng, initiatives[top])
            elif link < 0.65 and row.concern.unit_id and measures.get(row.concern.unit_id):
                response.measure = _pick(rng, measures[row.concern.unit_id])
            elif link < 0.8 and actions.get(top):
                response.relationship_action = _pick(rng, actions[top])
            state = rng.random()
            if state < 0.55:  # done on time
                done = response.due_on - datetime.timedelta(days=int(rng.integers(0, 20)))
            elif state < 0.75:  # done late
                done = response.due_on + datetime.timedelta(days=int(rng.integers(3, 40)))
            else:  # not done: overdue once its date has passed
                done = None
            response.done_on = done if done is not None and done < today else None
        response.save()
        if response.done_on is None:
            continue
        judging = [row.concern.unit_id] if row.concern.unit_id else []
        if row.round.anonymous:
            judging = list(
                SurveyResponse.objects.filter(
                    round=row.round, category=row.category, submitted_at__isnull=False
                ).values_list("unit_id", flat=True)[:4]
            )
        for unit_id in judging:
            if rng.random() >= 0.7:
                continue
            addressed = bool(rng.random() < 0.7)
            verdicts.append(
                ConcernVerdict(
                    response=response,
                    unit_id=unit_id,
                    addressed=addressed,
                    given_at=response.responded_at + datetime.timedelta(days=60),
                    given_by=leads.get(unit_id),
                )
            )
            if addressed and later is not None and row.concern.unit_id:
                # An action that worked shows in the unit's next answers on the category.
                lifted = SurveyRating.objects.filter(
                    response__round=later,
                    response__unit_id=unit_id,
                    response__category=row.category,
                    satisfaction__isnull=False,
                )
                if row.concern.driver_id:
                    lifted = lifted.filter(driver_id=row.concern.driver_id)
                lifted.update(satisfaction=Least(F("satisfaction") + 1, 5))
    ConcernVerdict.objects.bulk_create(verdicts)
