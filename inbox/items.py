"""What waits on a person: one list built from item sources, each a function (user, today) ->
list of Item that asks the same rules in workbench.permissions the pages ask, so nobody is told
of a round, plan, contract or import they could not open. Every source runs a fixed number of
queries, however many rows there are.

Another source is one function and one line in SOURCES."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from inbox import kinds
from inbox.models import SeenItem
from plans import queries as planning
from plans.models import CategoryPlan
from spend.models import ImportJob
from stakeholders.models import SurveyResponse, SurveyRound
from stakeholders.you_said import concerns_awaiting_response
from suppliers.models import Contract
from workbench.permissions import (
    may_approve_plans,
    may_create_plans,
    may_import,
    readable_plans,
    readable_rounds,
    supplier_matches_for,
    units_led_by,
    watched_contracts,
)

# A contract enters its manager's inbox this many days before its notice date.
CONTRACT_NOTICE_DAYS = 60
# A finished import stays this long at most, seen or not.
IMPORT_DAYS_SHOWN = 30


@dataclass(frozen=True)
class Item:
    kind: str
    key: str  # stable: what a person marks as seen
    title: str
    why: str
    since: datetime.datetime
    url: str  # the page where it is acted on
    action: str


def _day(value: datetime.date) -> datetime.datetime:
    """A date as the start of that day, so items of dates and of times sort together."""
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _date(value) -> str:
    return date_format(value, "j M Y")


# --- Sources -------------------------------------------------------------------------------


def survey_answers_owed(user, today) -> list[Item]:
    """Each open round still waiting for answers from a unit the user leads."""
    asked = SurveyRound.units.through.objects.filter(
        surveyround__in=readable_rounds(user).filter(opens_on__lte=today, closes_on__gte=today),
        businessunit__in=units_led_by(user),
    )
    categories = (
        SurveyRound.categories.through.objects.filter(surveyround=OuterRef("surveyround"))
        .values("surveyround")
        .annotate(n=Count("pk"))
        .values("n")
    )
    submitted = (
        SurveyResponse.objects.filter(
            round=OuterRef("surveyround"),
            unit=OuterRef("businessunit"),
            submitted_at__isnull=False,
        )
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        asked.annotate(
            categories=Coalesce(Subquery(categories, output_field=IntegerField()), 0),
            submitted=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
        )
        .values(
            "surveyround",
            "surveyround__name",
            "surveyround__opens_on",
            "surveyround__closes_on",
            "businessunit",
            "businessunit__name",
            "categories",
            "submitted",
        )
        .order_by("surveyround__closes_on", "surveyround", "businessunit__name")
    )
    items = []
    for row in rows:
        owed = row["categories"] - row["submitted"]
        if owed <= 0:
            continue
        closes = row["surveyround__closes_on"]
        days = (closes - today).days
        items.append(
            Item(
                kind=kinds.ROUND_OPENED,
                key=f"round:{row['surveyround']}:{row['businessunit']}",
                title=row["surveyround__name"],
                why=(
                    f"{row['businessunit__name']} has {owed} answer{'s' if owed != 1 else ''} "
                    f"to give; the round closes {_date(closes)}"
                    + (" (today)" if days == 0 else f" (in {days} day{'s' if days != 1 else ''})")
                ),
                since=_day(row["surveyround__opens_on"]),
                url=reverse("stakeholders:round", args=[row["surveyround"]]),
                action="Answer",
            )
        )
    return items


def plans_to_endorse(user, today) -> list[Item]:
    """Plans in review that affect a unit the user leads and await that unit's answer."""
    rows = planning.plans_awaiting_answer(units_led_by(user))
    readable = set(
        readable_plans(user).filter(pk__in=[row["pk"] for row in rows]).values_list("pk", flat=True)
    )
    return [
        Item(
            kind=kinds.PLAN_TO_ENDORSE,
            key=f"endorse:{row['pk']}:{row['unit_name']}",
            title=row["title"],
            why=f"In review and affects {row['unit_name']} ({row['category__name']}): "
            "endorse it or object with a reason",
            since=row["submitted_at"] or _day(today),
            url=reverse("plans:plan_endorse", args=[row["pk"]]),
            action="Endorse or object",
        )
        for row in rows
        if row["pk"] in readable
    ]


def plans_to_approve(user, today) -> list[Item]:
    """For the CPO: every plan in review."""
    if not may_approve_plans(user):
        return []
    plans = readable_plans(user).filter(status=CategoryPlan.IN_REVIEW).order_by("submitted_at")
    return [
        Item(
            kind=kinds.PLAN_TO_APPROVE,
            key=f"approve:{plan.pk}",
            title=plan.title,
            why=f"{plan.category.name} {plan.fiscal_year} is in review: approve it or return it",
            since=plan.submitted_at or plan.updated_at,
            url=reverse("plans:plan_detail", args=[plan.pk]),
            action="Review",
        )
        for plan in plans
    ]


def contracts_near_notice(user, today) -> list[Item]:
    """Contracts in the user's categories whose notice date is near or passed while they still
    run, and that no initiative has taken up yet."""
    contracts = watched_contracts(
        user, Contract.objects.filter(end__gte=today, initiatives__isnull=True)
    ).select_related("supplier")
    horizon = today + datetime.timedelta(days=CONTRACT_NOTICE_DAYS)
    items = []
    for contract in contracts:
        notice_by = contract.notice_by
        if notice_by > horizon:
            continue
        if notice_by < today:
            why = f"The notice date passed on {_date(notice_by)}; it ends {_date(contract.end)}"
        else:
            days = (notice_by - today).days
            why = f"Give notice by {_date(notice_by)} (in {days} day{'s' if days != 1 else ''})"
        if contract.auto_renewal:
            why += ", or it renews itself"
        items.append(
            Item(
                kind=kinds.CONTRACT_NOTICE,
                key=f"contract:{contract.pk}:{notice_by.isoformat()}",
                title=f"{contract.title} ({contract.supplier.name})",
                why=why,
                since=_day(notice_by - datetime.timedelta(days=CONTRACT_NOTICE_DAYS)),
                url=reverse("plans:initiative_from_source", args=["contract", contract.pk]),
                action="Plan what to do",
            )
        )
    return items


def supplier_matches_to_review(user, today) -> list[Item]:
    """One item for the fuzzy supplier matches waiting for the user's confirmation."""
    waiting = supplier_matches_for(user).aggregate(count=Count("pk"), oldest=Min("created_at"))
    if not waiting["count"]:
        return []
    count = waiting["count"]
    return [
        Item(
            kind=kinds.SUPPLIER_MATCHES,
            key="supplier-matches",
            title=f"{count} supplier match{'es' if count != 1 else ''} to review",
            why="Imports matched these spellings to suppliers by likeness: confirm or split them",
            since=waiting["oldest"],
            url=reverse("spend:supplier_matches"),
            action="Review",
        )
    ]


def concerns_to_answer(user, today) -> list[Item]:
    """One item for what the units said in the manager's categories that waits on a response
    ("you said, we did"), and for promised actions past their date."""
    if not may_create_plans(user):  # only category managers (and administrators) respond
        return []
    waiting = concerns_awaiting_response(user, today)
    if not waiting:
        return []
    overdue = sum(1 for concern in waiting if concern["what"] == "Overdue")
    unanswered = len(waiting) - overdue
    parts = []
    if unanswered:
        parts.append(f"{unanswered} concern{'s' if unanswered != 1 else ''} with no response")
    if overdue:
        parts.append(f"{overdue} promised action{'s' if overdue != 1 else ''} overdue")
    return [
        Item(
            kind=kinds.CONCERNS_WAITING,
            key="concerns",
            title=" and ".join(parts),
            why="Business units told you what worries them: say what you will do, or why not",
            since=_day(waiting[0]["since"]),
            url=reverse("stakeholders:concerns"),
            action="Respond",
        )
    ]


def finished_imports(user, today) -> list[Item]:
    """The user's own imports that finished, until they open them from the inbox."""
    if not may_import(user):
        return []
    seen = SeenItem.objects.filter(
        person=user, key=Concat(Value("import:"), Cast(OuterRef("pk"), CharField()))
    )
    jobs = (
        ImportJob.objects.filter(
            created_by=user,
            status__in=[ImportJob.STORED, ImportJob.REJECTED, ImportJob.FAILED],
            finished_at__gte=timezone.now() - datetime.timedelta(days=IMPORT_DAYS_SHOWN),
        )
        .exclude(Exists(seen))
        .only("pk", "file_name", "status", "lines_stored", "message", "finished_at")
        .order_by("finished_at")
    )
    return [
        Item(
            kind=kinds.IMPORT_FINISHED,
            key=f"import:{job.pk}",
            title=job.file_name,
            why=import_outcome(job),
            since=job.finished_at,
            url=reverse("inbox:open_import", args=[job.pk]),
            action="Open",
        )
        for job in jobs
    ]


def import_outcome(job) -> str:
    if job.status == ImportJob.STORED:
        return f"Stored {job.lines_stored:,} line{'s' if job.lines_stored != 1 else ''}"
    word = "Refused" if job.status == ImportJob.REJECTED else "Failed"
    return f"{word}: {job.message}" if job.message else word


SOURCES = [
    survey_answers_owed,
    plans_to_endorse,
    plans_to_approve,
    contracts_near_notice,
    supplier_matches_to_review,
    concerns_to_answer,
    finished_imports,
]


def items_for(user, today=None) -> list[Item]:
    """Everything waiting on `user`, the longest waiting first."""
    today = today or timezone.localdate()
    items = [item for source in SOURCES for item in source(user, today)]
    return sorted(items, key=lambda item: item.since)
