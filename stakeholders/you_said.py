"""The reads of "you said, we did": the concerns each survey round raised, procurement's
response to each, and the figures of how well it answers (stakeholders.concerns holds the
arithmetic). Pages, exports, the unit lead's home, the survey form, the results page, the
CPO's dashboard and the inbox all read through here, scoped by workbench.permissions, so none
of them can show a concern another withholds.

Which concerns exist: those of submitted answers in a named round (a manager may respond as
soon as an answer is in); in an anonymous round only once it has closed (watching concerns
appear one answer at a time would say who answered what) and only in categories with at least
disclosure.MIN_RESPONDENTS answers (fewer and the category's concerns would be one or two
units' answers). A concern nobody may be shown is not one anybody can be asked to answer.
"""

from dataclasses import dataclass, field

from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone

from categories.models import Category
from stakeholders import concerns, disclosure
from stakeholders.models import (
    BusinessUnit,
    ConcernResponse,
    ConcernVerdict,
    PriorityWeight,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
    ValueDriver,
)
from workbench import figures
from workbench.exports import Column
from workbench.permissions import concern_scope, sees_category_wide_concerns
from workbench.roles import roles_of

AWAITING = "Awaiting a response"
PROMISED = "Promised"
OVERDUE = "Overdue"
DONE = "Done"
NOT_ACTING = "Will not act"


@dataclass
class ConcernRow:
    """One concern as a page shows it: what was said and what procurement does about it."""

    round: SurveyRound
    concern: concerns.Concern
    category: Category
    driver: str
    unit: str  # "" when the category's as a whole (anonymous round)
    said: str
    response: ConcernResponse | None
    status: str
    addressed: int = 0  # verdicts: units saying the action addressed the concern
    not_addressed: int = 0
    verdict_by_unit: dict = field(default_factory=dict)  # read only for the reader's own units
    verdicts_shown: bool = True  # the counts above; see verdicts_shown()

    def verdict_of(self, unit_ids) -> bool | None:
        """What the reader's units said of the done action (None: not said yet)."""
        said = [self.verdict_by_unit[pk] for pk in unit_ids if pk in self.verdict_by_unit]
        return all(said) if said else None

    @property
    def key(self):
        return self.concern.key

    @property
    def anonymous(self):
        return self.concern.unit_id is None

    @property
    def respond_url(self):
        return reverse("stakeholders:concern_respond", args=[self.round.pk, self.concern.key])


def _today():
    return timezone.localdate()


def rounds_with_concerns(today=None):
    """Rounds whose answers may raise concerns: named rounds with a submitted answer, anonymous
    rounds once closed. Newest first."""
    today = today or _today()
    return [
        r
        for r in SurveyRound.objects.filter(responses__submitted_at__isnull=False)
        .distinct()
        .order_by("-opens_on", "-pk")
        if not r.anonymous or r.closes_on < today
    ]


@dataclass
class _Loaded:
    answers: dict  # round id -> list of (unit id, concerns.Answer)
    withheld: dict  # round id -> category ids withheld (anonymous, fewer than 3 answers)


def _load_answers(rounds) -> _Loaded:
    """Every submitted answer of the rounds, with ratings and stated weights, in three queries."""
    round_ids = [r.pk for r in rounds]
    rows = list(
        SurveyResponse.objects.filter(round_id__in=round_ids, submitted_at__isnull=False)
        .order_by("pk")
        .values("id", "round_id", "unit_id", "category_id", "recommend", "comment", "submitted_at")
    )
    ratings: dict = {}
    for response_id, driver_id, importance, level in SurveyRating.objects.filter(
        response__round_id__in=round_ids, response__submitted_at__isnull=False
    ).values_list("response_id", "driver_id", "importance", "satisfaction"):
        ratings.setdefault(response_id, {})[driver_id] = (importance, level)
    weights: dict = {}
    for unit_id, category_id, driver_id, weight in PriorityWeight.objects.filter(
        priority__category_id__in={row["category_id"] for row in rows}
    ).values_list("priority__unit_id", "priority__category_id", "driver_id", "weight"):
        weights.setdefault((unit_id, category_id), {})[driver_id] = weight
    anonymous = {r.pk: r for r in rounds if r.anonymous}
    answers: dict = {}
    counts: dict = {}
    for row in rows:
        survey_round = anonymous.get(row["round_id"])
        answers.setdefault(row["round_id"], []).append(
            concerns.Answer(
                unit_id=row["unit_id"],
                category_id=row["category_id"],
                recommend=row["recommend"],
                comment=row["comment"] or "",
                ratings=ratings.get(row["id"], {}),
                weights=weights.get((row["unit_id"], row["category_id"]), {}),
                # In an anonymous round a concern is raised when the round closes: no answer's
                # own date is kept with it.
                raised_on=survey_round.closes_on
                if survey_round
                else timezone.localdate(row["submitted_at"]),
            )
        )
        counts.setdefault(row["round_id"], {}).setdefault(row["category_id"], 0)
        counts[row["round_id"]][row["category_id"]] += 1
    withheld = {pk: disclosure.suppress(counts.get(pk, {})).withheld for pk in anonymous}
    return _Loaded(answers, withheld)


def _said(concern, driver: str, category: Category, *, procurement: bool) -> str:
    if concern.unit_id is None:
        # Procurement already reads how many voids and comments an anonymous category has (its
        # results and voids pages); a unit lead is told no count, which less their own would
        # say what the other units answered.
        many = f" ({concern.answers})" if procurement else ""
        if concern.kind == concerns.VOID:
            return (
                "Units that would not recommend procurement here, or are unhappy on what they "
                f"value most{many}"
            )
        if concern.kind == concerns.LOW_SATISFACTION:
            return f"Satisfaction of 2 or less on {driver}, which units rate important"
        return f"Comments on {category.name}{many}"
    if concern.kind == concerns.VOID:
        if concern.detractor:
            return "Would not recommend procurement here"
        return "Unhappy on what it values most"
    if concern.kind == concerns.LOW_SATISFACTION:
        return f"Satisfaction {concern.satisfaction} of 5 on {driver}, which it weights highly"
    return concern.comment


def _status(response, today) -> str:
    if response is None:
        return AWAITING
    if response.decision == ConcernResponse.NO_ACTION:
        return NOT_ACTING
    if response.done_on is not None:
        return DONE
    if concerns.is_overdue(response.due_on, response.done_on, today):
        return OVERDUE
    return PROMISED


def concern_rows(user, *, rounds=None, today=None, units=None) -> list[ConcernRow]:
    """Every concern `user` may read (workbench.permissions.concern_scope), newest round first,
    with its response; with `units` (ids), only what those units' lead reads: their own
    concerns and the category-wide ones of anonymous rounds. A fixed number of queries, whatever
    the number of rounds or answers."""
    today = today or _today()
    rounds = rounds_with_concerns(today) if rounds is None else rounds
    if not rounds:
        return []
    scope = concern_scope(user)
    if units is not None:
        scope = {"all": False, "owned": None, "units": list(units)}
    loaded = _load_answers(rounds)
    owned = (
        set(Category.objects.filter(scope["owned"]).values_list("pk", flat=True))
        if scope["owned"] is not None
        else set()
    )
    asked = {}
    if scope["units"]:
        for round_id, unit_id in SurveyRound.units.through.objects.filter(
            surveyround_id__in=[r.pk for r in rounds], businessunit_id__in=scope["units"]
        ).values_list("surveyround_id", "businessunit_id"):
            asked.setdefault(round_id, set()).add(unit_id)
    responses = {
        (response.round_id, response.key): response
        for response in ConcernResponse.objects.filter(round__in=rounds).select_related(
            "initiative", "measure", "relationship_action", "responded_by"
        )
    }
    verdicts: dict = {}
    for response_id, unit_id, addressed in ConcernVerdict.objects.filter(
        response__round__in=rounds
    ).values_list("response_id", "unit_id", "addressed"):
        verdicts.setdefault(response_id, {})[unit_id] = addressed
    found = []
    category_ids = set()
    for survey_round in rounds:
        answers = loaded.answers.get(survey_round.pk, [])
        withheld = loaded.withheld.get(survey_round.pk, frozenset())
        for concern in concerns.concerns_in(answers, anonymous=survey_round.anonymous):
            if concern.category_id in withheld:
                continue
            if not _may_read(scope, owned, asked, survey_round, concern, answers):
                continue
            found.append((survey_round, concern))
            category_ids.add(concern.category_id)
    categories = Category.objects.in_bulk(category_ids)
    drivers = dict(ValueDriver.objects.values_list("pk", "name"))
    units = dict(BusinessUnit.objects.values_list("pk", "name"))
    procurement = scope["all"] or scope["owned"] is not None
    rows = []
    for survey_round, concern in found:
        category = categories[concern.category_id]
        driver = drivers.get(concern.driver_id, "")
        response = responses.get((survey_round.pk, concern.key))
        given = verdicts.get(response.pk, {}) if response else {}
        rows.append(
            ConcernRow(
                round=survey_round,
                concern=concern,
                category=category,
                driver=driver,
                unit=units.get(concern.unit_id, ""),
                said=_said(concern, driver, category, procurement=procurement),
                response=response,
                status=_status(response, today),
                addressed=sum(1 for a in given.values() if a),
                not_addressed=sum(1 for a in given.values() if not a),
                verdict_by_unit={pk: a for pk, a in given.items() if pk in scope["units"]},
                verdicts_shown=_verdicts_shown(concern, len(given), scope),
            )
        )
    return rows


def _may_read(scope, owned, asked, survey_round, concern, answers) -> bool:
    if scope["all"] or concern.category_id in owned:
        return True
    mine = asked.get(survey_round.pk, set())
    if not mine:
        return False
    if concern.unit_id is not None:
        return concern.unit_id in mine
    answered = {a.unit_id for a in answers if a.category_id == concern.category_id}
    return bool(answered & mine) and sees_category_wide_concerns(len(answered - mine))


def _verdicts_shown(concern, verdicts: int, scope) -> bool:
    """How many units said an anonymous round's action addressed their concern is shown only
    over at least three verdicts to anyone but the CPO and administrators."""
    if concern.unit_id is not None or scope["all"]:
        return True
    return disclosure.may_show_aggregate(verdicts)


CONCERN_COLUMNS = [
    Column("Round", lambda row: row.round.name),
    Column("Category", lambda row: row.category.name),
    Column("Unit", lambda row: row.unit or "Category as a whole (anonymous round)"),
    Column("Kind", lambda row: dict(ConcernResponse.KINDS)[row.concern.kind]),
    Column("Driver", "driver"),
    Column("You said", "said"),
    Column("Status", "status"),
    Column("We will", lambda row: row.response.action if row.response else ""),
    Column("By", lambda row: row.response.due_on if row.response else None),
    Column("Done on", lambda row: row.response.done_on if row.response else None),
    Column("Linked to", lambda row: linked_to(row.response)),
]


def linked_to(response) -> str:
    """The initiative, service-agreement measure or relationship-plan action a response is
    carried out through, as words."""
    if response is None:
        return ""
    links = []
    if response.initiative_id:
        links.append(f"Initiative: {response.initiative.title}")
    if response.measure_id:
        links.append(f"Service agreement measure: {response.measure.name}")
    if response.relationship_action_id:
        links.append(f"Relationship plan action: {response.relationship_action.objective}")
    return "; ".join(links)


def concerns_awaiting_response(user, today=None) -> list[dict]:
    """What waits on a category manager: concerns in their categories with no response yet,
    and promised actions past their date and not done. For the inbox; oldest first."""
    today = today or _today()
    if not Category.objects.filter(owner=user).exists():
        return []
    # Every home page of a manager asks (the inbox): kept under what the concerns read, for
    # this manager (their categories, whose owner is part of the spend area; their roles,
    # which decide the wording) and day, as plain rows (no one's name in them).
    return figures.cached(
        "concerns-awaiting-response",
        areas=[figures.ANSWERS, figures.PLANS, figures.SUPPLIERS, figures.SPEND],
        scope=("owner", user.pk, tuple(sorted(roles_of(user)))),
        key=(today,),
        compute=lambda: _concerns_awaiting_response(user, today),
    )


def _concerns_awaiting_response(user, today) -> list[dict]:
    waiting = []
    for row in concern_rows(user, today=today):
        if row.category.owner_id != user.pk:
            continue
        if row.status == AWAITING:
            since, what = row.concern.raised_on, "Respond"
        elif row.status == OVERDUE:
            since, what = row.response.due_on, "Overdue"
        else:
            continue
        waiting.append(
            {
                "what": what,
                "round": row.round.name,
                "category": row.category.name,
                "unit": row.unit,
                "said": row.said,
                "since": since,
                "url": row.respond_url,
            }
        )
    return sorted(waiting, key=lambda item: (item["since"], item["category"], item["said"]))


# --- Figures ------------------------------------------------------------------------------------


def _satisfaction_means(rounds):
    """Mean satisfaction per (round, unit, category) and per (round, unit, category, driver),
    and the same per category as a whole, from the database."""
    base = SurveyRating.objects.filter(
        response__round__in=rounds,
        response__submitted_at__isnull=False,
        satisfaction__isnull=False,
    )
    by_unit = {
        (r["response__round_id"], r["response__unit_id"], r["response__category_id"]): r["mean"]
        for r in base.values(
            "response__round_id", "response__unit_id", "response__category_id"
        ).annotate(mean=Avg("satisfaction"))
    }
    by_unit_driver = {
        (
            r["response__round_id"],
            r["response__unit_id"],
            r["response__category_id"],
            r["driver_id"],
        ): r["mean"]
        for r in base.values(
            "response__round_id", "response__unit_id", "response__category_id", "driver_id"
        ).annotate(mean=Avg("satisfaction"))
    }
    by_category = {
        (r["response__round_id"], r["response__category_id"]): r["mean"]
        for r in base.values("response__round_id", "response__category_id").annotate(
            mean=Avg("satisfaction")
        )
    }
    by_category_driver = {
        (r["response__round_id"], r["response__category_id"], r["driver_id"]): r["mean"]
        for r in base.values("response__round_id", "response__category_id", "driver_id").annotate(
            mean=Avg("satisfaction")
        )
    }
    return by_unit, by_unit_driver, by_category, by_category_driver


def follow_ups(rows: list[ConcernRow], rounds) -> list[dict]:
    """Each concern followed up by a later round: the next round (by opening date) that has the
    same unit's answer on the category (or, for the category as a whole, any answer on it),
    satisfaction then and now, and whether the promised action was done before that round
    closed."""
    ordered = sorted(rounds, key=lambda r: (r.opens_on, r.pk))
    means = _satisfaction_means(ordered)
    by_unit, by_unit_driver, by_category, by_category_driver = means
    pairs = []
    for row in rows:
        concern = row.concern
        later = [r for r in ordered if (r.opens_on, r.pk) > (row.round.opens_on, row.round.pk)]
        for after in later:
            if concern.unit_id is not None:
                then_key = (row.round.pk, concern.unit_id, concern.category_id)
                now_key = (after.pk, concern.unit_id, concern.category_id)
                table = by_unit
                if concern.driver_id is not None:
                    then_key, now_key = (
                        (*then_key, concern.driver_id),
                        (*now_key, concern.driver_id),
                    )
                    table = by_unit_driver
            else:
                then_key, now_key = (
                    (row.round.pk, concern.category_id),
                    (after.pk, concern.category_id),
                )
                table = by_category
                if concern.driver_id is not None:
                    then_key, now_key = (
                        (*then_key, concern.driver_id),
                        (*now_key, concern.driver_id),
                    )
                    table = by_category_driver
            if now_key not in table:
                continue
            response = row.response
            acted = (
                response is not None
                and response.decision == ConcernResponse.ACT
                and response.done_on is not None
                and response.done_on <= after.closes_on
            )
            pairs.append(
                {
                    "row": row,
                    "next_round": after,
                    "acted": acted,
                    "before": table.get(then_key),
                    "after": table[now_key],
                }
            )
            break
    return pairs


def change_after_action(pairs) -> concerns.Change:
    return concerns.satisfaction_change((p["acted"], p["before"], p["after"]) for p in pairs)


def loop_figures(rows: list[ConcernRow], pairs: list[dict], today=None) -> dict:
    """The CPO's figures over some concerns: how many, share answered, median days to a
    response, actions done on time, satisfaction change after action against without."""
    today = today or _today()
    answered = [row for row in rows if row.response is not None]
    days = [
        concerns.days_to_response(
            row.concern.raised_on, timezone.localdate(row.response.responded_at)
        )
        for row in answered
        if row.concern.raised_on
    ]
    timing = concerns.on_time(
        (
            (row.response.due_on, row.response.done_on)
            for row in answered
            if row.response.decision == ConcernResponse.ACT
        ),
        today,
    )
    return {
        "concerns": len(rows),
        "answered": len(answered),
        "share": concerns.answered_share(len(rows), len(answered)),
        "median_days": concerns.median_days(days),
        "on_time": timing,
        "overdue": sum(1 for row in rows if row.status == OVERDUE),
        # The units' own word on the done actions: how many said it addressed the concern.
        "addressed": sum(row.addressed for row in rows),
        "judged": sum(row.addressed + row.not_addressed for row in rows),
        "change": change_after_action(pairs),
    }


def loop_by(user, today=None) -> dict:
    """The loop's figures for the whole portfolio, per category manager and per category: what
    the dashboard tile and the board pack show. The CPO reads every concern."""
    today = today or _today()
    rounds = rounds_with_concerns(today)
    rows = concern_rows(user, rounds=rounds, today=today)
    if not rows:
        return {"overall": None, "managers": [], "categories": []}
    pairs = follow_ups(rows, rounds)
    owners = {
        pk: " ".join(part for part in (first, last) if part) or username
        for pk, username, first, last in Category.objects.filter(
            pk__in={row.category.pk for row in rows}
        ).values_list("pk", "owner__username", "owner__first_name", "owner__last_name")
    }
    by_manager: dict = {}
    by_category: dict = {}
    for row in rows:
        manager = owners.get(row.category.pk) or "No manager"
        by_manager.setdefault(manager, []).append(row)
        by_category.setdefault((row.category.name, row.category.code), []).append(row)

    def figures(group):
        ids = {id(row) for row in group}
        return loop_figures(group, [p for p in pairs if id(p["row"]) in ids], today)

    return {
        "overall": figures(rows),
        "managers": [
            {"name": name, **figures(group)} for name, group in sorted(by_manager.items())
        ],
        "categories": [
            {"name": name, "code": code, **figures(group)}
            for (name, code), group in sorted(by_category.items())
        ],
    }


def change_in_round(user, survey_round, today=None) -> dict | None:
    """For a round's results page: where the previous rounds' concerns were acted on, how
    satisfaction moved into this round, against where they were not. In a round either side of
    which is anonymous, a group over fewer than three concerns is withheld from anyone who does
    not read every answer."""
    today = today or _today()
    rounds = [r for r in rounds_with_concerns(today) if r.opens_on < survey_round.opens_on]
    if not rounds:
        return None
    rows = concern_rows(user, rounds=rounds, today=today)
    pairs = [
        p
        for p in follow_ups(rows, [*rounds, survey_round])
        if p["next_round"].pk == survey_round.pk
    ]
    if not pairs:
        return None
    change = change_after_action(pairs)
    anonymous = survey_round.anonymous or any(p["row"].round.anonymous for p in pairs)
    guarded = anonymous and not concern_scope(user)["all"]
    return {
        "change": change,
        "acted_shown": not guarded or disclosure.may_show_aggregate(change.acted_count),
        "not_acted_shown": not guarded or disclosure.may_show_aggregate(change.not_acted_count),
    }


def promised_before(user, unit, category, survey_round, today=None) -> list[ConcernRow]:
    """What was promised and done for `unit` on `category` since the last round that asked it,
    for the survey form: its own concerns, and the category's as a whole from anonymous
    rounds where `user` may read them."""
    today = today or _today()
    earlier = [
        r
        for r in rounds_with_concerns(today)
        if r.opens_on < survey_round.opens_on and r.pk != survey_round.pk
    ]
    asked = set(
        SurveyRound.categories.through.objects.filter(
            surveyround_id__in=[r.pk for r in earlier], category_id=category.pk
        ).values_list("surveyround_id", flat=True)
    )
    earlier = [r for r in earlier if r.pk in asked][:1]
    if not earlier:
        return []
    return [
        row
        for row in concern_rows(user, rounds=earlier, today=today, units=[unit.pk])
        if row.category.pk == category.pk and row.response is not None
    ]


def for_unit_lead_home(units, user, today=None, shown=6, category=None) -> dict:
    """The unit lead's "you said, we did": responses to their units' concerns (and, of
    anonymous rounds, the category's), those awaiting their verdict first, then the newest.
    With `category`, only what was said about it (or the category above it that was asked)."""
    today = today or _today()
    rows = concern_rows(user, today=today, units=[unit.pk for unit in units])
    if category is not None:
        rows = [
            row
            for row in rows
            if category.path.startswith(row.category.path)
            or row.category.path.startswith(category.path)
        ]
    answered = [row for row in rows if row.response is not None]
    mine = [unit.pk for unit in units]
    for row in answered:
        row.verdict = row.verdict_of(mine)
    to_judge = [r for r in answered if r.response.done_on is not None and r.verdict is None]
    rest = [r for r in answered if r not in to_judge]
    return {
        "rows": (to_judge + rest)[:shown],
        "to_judge": len(to_judge),
        "answered": len(answered),
        "concerns": len(rows),
        "awaiting": len(rows) - len(answered),
    }
