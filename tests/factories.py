"""Small, explicit test companies. Each builder returns what it made, so a test reads its own
setup rather than a fixture file."""

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models

from categories.models import Category
from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit, ValueDriver
from suppliers.models import Supplier
from workbench.roles import ADMINISTRATOR, BUSINESS_UNIT_LEAD, CATEGORY_MANAGER, CPO

PASSWORD = "correct horse battery staple"


def make_user(username: str, *roles: str, **fields):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **fields
    )
    # Transactional tests (the browser's) flush the groups the migration made: recreate them.
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    return user


@dataclass
class Company:
    manager: object
    other_manager: object
    unit_lead: object
    other_unit_lead: object
    cpo: object
    administrator: object
    nobody: object
    it: Category
    hardware: Category
    software: Category
    facilities: Category
    cleaning: Category
    manufacturing: BusinessUnit
    finance: BusinessUnit
    suppliers: list = field(default_factory=list)


def make_company() -> Company:
    """Two top-level categories with a manager each, two units with a lead each, the CPO and an
    administrator, three suppliers and a value-driver catalogue; no spend yet."""
    manager = make_user("manager", CATEGORY_MANAGER)
    other_manager = make_user("othermanager", CATEGORY_MANAGER)
    unit_lead = make_user("unitlead", BUSINESS_UNIT_LEAD)
    other_unit_lead = make_user("otherlead", BUSINESS_UNIT_LEAD)
    cpo = make_user("cpo", CPO)
    administrator = make_user("admin", ADMINISTRATOR, is_staff=True)
    nobody = make_user("nobody")

    it = Category.objects.create(code="IT", name="IT & telecoms", owner=manager)
    hardware = Category.objects.create(code="IT.HW", name="Hardware", parent=it, owner=manager)
    software = Category.objects.create(code="IT.SW", name="Software", parent=it, owner=manager)
    facilities = Category.objects.create(code="FM", name="Facilities", owner=other_manager)
    cleaning = Category.objects.create(
        code="FM.CLEAN", name="Cleaning", parent=facilities, owner=other_manager
    )
    manufacturing = BusinessUnit.objects.create(code="MFG", name="Manufacturing")
    manufacturing.leads.add(unit_lead)
    finance = BusinessUnit.objects.create(code="FIN", name="Finance")
    finance.leads.add(other_unit_lead)
    suppliers = [
        Supplier.objects.create(name=name, country="GB")
        for name in ("Dell Technologies Ltd", "Softcat plc", "Bright Clean Services Ltd")
    ]
    for order, name in enumerate(["Cost", "Quality", "Delivery & speed", "Innovation"]):
        ValueDriver.objects.create(name=name, order=order)
    return Company(
        manager,
        other_manager,
        unit_lead,
        other_unit_lead,
        cpo,
        administrator,
        nobody,
        it,
        hardware,
        software,
        facilities,
        cleaning,
        manufacturing,
        finance,
        suppliers,
    )


def add_spend(company: Company, count: int, *, end=datetime.date(2026, 10, 31)) -> list:
    """`count` lines spread over the two years to `end`, cycling through the leaf categories,
    units and suppliers so that every pairing appears. Returns the created lines' amounts."""
    leaves = [
        (company.hardware, company.suppliers[0]),
        (company.software, company.suppliers[1]),
        (company.cleaning, company.suppliers[2]),
    ]
    units = itertools.cycle([company.manufacturing, company.manufacturing, company.finance])
    lines = []
    for index, (category, supplier) in zip(range(count), itertools.cycle(leaves)):
        lines.append(
            SpendLine(
                date=end - datetime.timedelta(days=index % 730),
                amount=Decimal(100 + index % 900),
                original_amount=Decimal(100 + index % 900),
                currency="GBP",
                supplier=supplier,
                category=category,
                business_unit=next(units),
                description=f"Invoice {index}",
                document_reference=f"INV-{index:07d}",
            )
        )
    SpendLine.objects.bulk_create(lines, batch_size=2000)
    refresh_spend_summary()  # as every import does
    return lines


def add_survey_round(company: Company, *, today=None, anonymous=False, **fields):
    """An open round asking Manufacturing and Finance about IT and Facilities."""
    from django.utils import timezone

    from stakeholders.models import SurveyRound

    today = today or timezone.localdate()
    survey_round = SurveyRound.objects.create(
        name=fields.pop("name", "Spring survey"),
        opens_on=fields.pop("opens_on", today - datetime.timedelta(days=3)),
        closes_on=fields.pop("closes_on", today + datetime.timedelta(days=14)),
        anonymous=anonymous,
        created_by=company.cpo,
    )
    survey_round.units.set([company.manufacturing, company.finance])
    survey_round.categories.set([company.it, company.facilities])
    return survey_round


def add_agreement(company: Company, unit=None):
    """A service agreement with Manufacturing (or `unit`) and one measure, no results yet."""
    from stakeholders.models import AgreementMeasure, ServiceAgreement

    agreement = ServiceAgreement.objects.create(
        unit=unit or company.manufacturing,
        title="Direct materials service",
        objectives="Quick quotes, orders on time.",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        procurement_contact=company.manager,
    )
    AgreementMeasure.objects.create(agreement=agreement, name="Request-to-order days", target=5)
    return agreement


def correction_data(record, *fields, **changes):
    """What a correction form posts for `record` as it stands (its `fields`, as a browser sends
    them: ids for relations, ISO dates, "on" for a ticked box, nothing for an unticked one),
    with the version it was opened on and `changes` on top."""
    data = {"version": record.version}
    for name in fields:
        model_field = record._meta.get_field(name)
        if model_field.many_to_many:
            data[name] = [related.pk for related in getattr(record, name).all()]
        elif model_field.is_relation:
            data[name] = getattr(record, model_field.attname) or ""
        elif isinstance(model_field, models.BooleanField):
            if getattr(record, name):
                data[name] = "on"
        else:
            value = getattr(record, name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            data[name] = "" if value is None else value
    data.update(changes)
    return data
