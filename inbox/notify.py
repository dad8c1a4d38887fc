"""What the workbench tells people when something happens. The services that make the changes
call these (one line each), inside their transaction: each writes the messages into the log
and has the task worker send them after the commit. None of them raises: a message that cannot
be written is logged, and the change it reports stands.

Emails say what happened and where to act, with no figure the person could not read on that
page, and nothing about who answered an anonymous round."""

import functools
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from inbox import items, kinds, mail
from plans.models import PlanEndorsement
from stakeholders.models import BusinessUnit
from workbench.permissions import (
    contract_watchers,
    import_watchers,
    plan_approvers,
    plan_endorsers,
    plan_owners,
    round_answerers,
)

logger = logging.getLogger(__name__)


def never_fails(function):
    """Write the messages in a savepoint, so a failure rolls back only them; then have them
    sent once the change is committed."""

    @functools.wraps(function)
    def telling(*args, **kwargs):
        try:
            with transaction.atomic():
                waiting = function(*args, **kwargs)
        except Exception:
            logger.exception("Could not write the emails of %s", function.__name__)
            return 0
        if waiting:
            mail.send_soon()
        return waiting

    return telling


def _date(value) -> str:
    return date_format(value, "j M Y")


def _together(*groups) -> list:
    """The people of several groups, each once."""
    return list({person.pk: person for group in groups for person in group}.values())


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# --- Survey rounds -----------------------------------------------------------------------------


def _round_lines(survey_round, unit, opening: str) -> list[str]:
    count = survey_round.categories.count()
    lines = [
        f"{opening} {unit.name} how satisfied it is with procurement in "
        f"{_plural(count, 'category', 'categories')}.",
        f"It is open from {_date(survey_round.opens_on)} to {_date(survey_round.closes_on)}.",
    ]
    if survey_round.anonymous:
        lines.append(
            "The round is anonymous: besides the CPO and administrators, nobody sees your "
            "unit's answers, only figures over at least three units."
        )
    return lines


@never_fails
def round_opened(survey_round) -> int:
    """Tell the leads of every unit the round asks."""
    waiting = 0
    answerers = round_answerers(survey_round)
    for unit in survey_round.units.order_by("name"):
        waiting += mail.address(
            answerers.filter(led_business_units=unit),
            kind=kinds.ROUND_OPENED,
            key=f"round-opened:{survey_round.pk}",
            subject=f"Survey round: {survey_round.name}",
            lines=_round_lines(survey_round, unit, f"{survey_round.name} asks"),
            path=reverse("stakeholders:round", args=[survey_round.pk]),
        )
    return waiting


@never_fails
def round_closing(survey_round, today) -> int:
    """Remind the leads of units that still owe answers (each of their own unit only)."""
    waiting = 0
    for person in round_answerers(survey_round):
        for item in items.survey_answers_owed(person, today):
            if not item.key.startswith(f"round:{survey_round.pk}:"):
                continue
            waiting += mail.address(
                [person],
                kind=kinds.ROUND_CLOSING,
                key=f"round-closing:{survey_round.pk}",
                subject=f"{survey_round.name} closes {_date(survey_round.closes_on)}",
                lines=[f"{item.why}.", "Answers saved as drafts count once submitted."],
                path=item.url,
            )
    return waiting


# --- Category plans ----------------------------------------------------------------------------


@never_fails
def plan_moved(*, plan, action: str, by) -> int:
    """A plan submitted for review, or back in review after an edit to its approved revision
    (the CPO approves, affected units endorse), or approved (its owner and the affected units
    hear)."""
    where = f"{plan.category.name}, {plan.fiscal_year}"
    path = reverse("plans:plan_detail", args=[plan.pk])
    who = by.get_full_name() or by.username
    if action in ("submit", "reopen"):
        happened = (
            f"{who} submitted “{plan.title}” ({where}) for your approval."
            if action == "submit"
            else f"{who} changed “{plan.title}” ({where}) after its approval: revision "
            f"{plan.revision} is back in review."
        )
        waiting = mail.address(
            plan_approvers(),
            kind=kinds.PLAN_TO_APPROVE,
            key=f"plan-submitted:{plan.pk}:{plan.version}",
            subject=f"Plan to approve: {plan.title}",
            lines=[happened],
            path=path,
        )
        endorsers = plan_endorsers(plan)
        units = BusinessUnit.objects.filter(initiatives__plan=plan).distinct().order_by("name")
        for unit in units:
            waiting += mail.address(
                endorsers.filter(led_business_units=unit),
                kind=kinds.PLAN_TO_ENDORSE,
                key=f"plan-submitted:{plan.pk}:{plan.version}",
                subject=f"Plan to endorse: {plan.title}",
                lines=[
                    f"“{plan.title}” ({where}) is in review and affects {unit.name}.",
                    "Endorse it, or object with a reason, before the CPO decides.",
                ],
                path=reverse("plans:plan_endorse", args=[plan.pk]),
            )
        return waiting
    if action == "approve":
        return mail.address(
            _together(plan_owners(plan), plan_endorsers(plan)),
            kind=kinds.PLAN_APPROVED,
            key=f"plan-approved:{plan.pk}:{plan.revision}",
            subject=f"Plan approved: {plan.title}",
            lines=[f"{who} approved “{plan.title}” ({where}), revision {plan.revision}."],
            path=path,
        )
    return 0


@never_fails
def plan_answered(*, endorsement) -> int:
    """A unit objected to a plan: its owner and the CPO hear why."""
    if endorsement.decision != PlanEndorsement.OBJECT:
        return 0
    plan = endorsement.plan
    lines = [
        f"{endorsement.unit.name} objects to “{plan.title}” ({plan.category.name}, "
        f"{plan.fiscal_year}), revision {endorsement.revision}."
    ]
    if endorsement.reason:
        lines.append(f"Its reason: {endorsement.reason}")
    return mail.address(
        _together(plan_owners(plan), plan_approvers()),
        kind=kinds.PLAN_OBJECTED,
        key=f"plan-objected:{plan.pk}:{endorsement.revision}:{endorsement.unit_id}",
        subject=f"{endorsement.unit.name} objects to {plan.title}",
        lines=lines,
        path=reverse("plans:plan_detail", args=[plan.pk]),
    )


# --- Imports -----------------------------------------------------------------------------------


def import_finished(job_id: int) -> int:
    """Tell whoever uploaded the file that it is stored, refused or failed. Called by the task
    worker at the end of the import, so the message goes out from there at once."""
    waiting = _import_finished(job_id)
    if waiting:
        try:
            next_due = mail.deliver_waiting()
        except Exception:
            logger.exception("Sending the import's email failed; it waits for the next run")
            next_due = timezone.now()
        if next_due is not None:
            mail.enqueue_sending(run_after=next_due)
    return waiting


def _import_finished(job_id: int) -> int:
    from spend.models import ImportJob

    try:
        with transaction.atomic():
            job = ImportJob.objects.get(pk=job_id)
            if job.status not in {ImportJob.STORED, ImportJob.REJECTED, ImportJob.FAILED}:
                return 0
            return mail.address(
                import_watchers(job),
                kind=kinds.IMPORT_FINISHED,
                key=f"import:{job.pk}:{job.attempts}",
                subject=f"Import {job.get_status_display().lower()}: {job.file_name}",
                lines=[f"{items.import_outcome(job)}."],
                path=job.get_absolute_url(),
            )
    except Exception:
        logger.exception("Could not write the email of import %s", job_id)
        return 0


# --- Contracts ---------------------------------------------------------------------------------


@never_fails
def contract_notice(contract, today) -> int:
    """The managers of the contract's categories: its notice date is near."""
    notice_by = contract.notice_by
    days = (notice_by - today).days
    when = "today" if days == 0 else f"in {_plural(days, 'day', 'days')}"
    lines = [
        f"Notice on “{contract.title}” with {contract.supplier.name} is due by "
        f"{_date(notice_by)} ({when}); the contract ends {_date(contract.end)}"
        + (" and renews itself unless notice is given." if contract.auto_renewal else "."),
        "Decide whether to renegotiate, re-tender or let it end.",
    ]
    return mail.address(
        contract_watchers(contract),
        kind=kinds.CONTRACT_NOTICE,
        key=f"contract:{contract.pk}:{notice_by.isoformat()}",
        subject=f"Contract notice due {_date(notice_by)}: {contract.title}",
        lines=lines,
        path=reverse("plans:initiative_from_source", args=["contract", contract.pk]),
    )
