"""What waits on each person: built from the same rules as the pages, so each sees only what
they may open, and an item leaves once it is done."""

import datetime

import pytest
from django.utils import timezone

from inbox.items import items_for
from inbox.services import item_seen
from plans.models import CategoryPlan, PlanEndorsement
from spend.models import ImportJob
from stakeholders.models import SurveyResponse
from suppliers.models import Contract, SupplierAlias
from tests.factories import add_survey_round
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return [item.kind for item in items_for(user)]


def test_a_unit_lead_sees_the_open_round_until_every_answer_is_submitted(company):
    survey_round = add_survey_round(company)
    (item,) = items_for(company.unit_lead)
    assert item.title == "Spring survey" and "Manufacturing has 2 answers to give" in item.why
    assert item.url == f"/stakeholders/surveys/{survey_round.pk}/"

    now = timezone.now()
    SurveyResponse.objects.create(
        round=survey_round, unit=company.manufacturing, category=company.it, submitted_at=now
    )
    SurveyResponse.objects.create(  # a draft is not an answer yet
        round=survey_round, unit=company.manufacturing, category=company.facilities
    )
    assert "1 answer to give" in items_for(company.unit_lead)[0].why
    SurveyResponse.objects.filter(category=company.facilities).update(submitted_at=now)
    assert items_for(company.unit_lead) == []
    # Finance has not answered: its lead still has the round; nobody else is asked.
    assert kinds_of(company.other_unit_lead) == ["round_opened"]
    for person in (company.manager, company.cpo, company.administrator, company.nobody):
        assert items_for(person) == []


def test_a_closed_or_future_round_waits_on_nobody(company):
    today = timezone.localdate()
    add_survey_round(
        company,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
    )
    add_survey_round(company, opens_on=today + datetime.timedelta(days=1))
    assert items_for(company.unit_lead) == []


def test_a_plan_in_review_waits_on_the_affected_units_until_they_answer_and_on_the_cpo(company):
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW, with_finance=False)
    plan.submitted_at = timezone.now()
    plan.save()

    (endorse,) = items_for(company.unit_lead)
    assert endorse.kind == "plan_to_endorse" and "affects Manufacturing" in endorse.why
    assert endorse.url == f"/categories/plans/{plan.pk}/endorse/"
    assert kinds_of(company.cpo) == ["plan_to_approve"]
    # Finance is not affected; the owner and other procurement people approve nothing.
    for person in (company.other_unit_lead, company.manager, company.administrator):
        assert items_for(person) == []

    PlanEndorsement.objects.create(
        plan=plan, revision=plan.revision, unit=company.manufacturing, decision="endorse"
    )
    assert items_for(company.unit_lead) == []
    plan.status = CategoryPlan.APPROVED
    plan.save()
    assert items_for(company.cpo) == []


def contract(company, *, category, days_to_notice, **fields):
    today = timezone.localdate()
    made = Contract.objects.create(
        supplier=company.suppliers[0],
        title=fields.pop("title", "Laptop framework"),
        start=today - datetime.timedelta(days=700),
        end=today + datetime.timedelta(days=days_to_notice + 90),
        value=100_000,
        notice_days=90,
        **fields,
    )
    made.categories.set([category])
    return made


def test_contracts_near_or_past_their_notice_date_wait_on_their_categories_manager(company):
    near = contract(company, category=company.hardware, days_to_notice=20)
    contract(company, category=company.hardware, days_to_notice=200, title="Far off")
    passed = contract(company, category=company.software, days_to_notice=-5, title="Late")
    contract(company, category=company.cleaning, days_to_notice=10, title="Cleaning")

    items = items_for(company.manager)
    assert [item.title for item in items] == [
        "Late (Dell Technologies Ltd)",
        "Laptop framework (Dell Technologies Ltd)",
    ]
    assert "passed" in items[0].why and "in 20 days" in items[1].why
    assert items[1].url == f"/categories/plans/initiatives/from/contract/{near.pk}/"
    assert [item.title for item in items_for(company.other_manager)] == [
        "Cleaning (Dell Technologies Ltd)"
    ]
    assert items_for(company.unit_lead) == [] and items_for(company.cpo) == []

    # Taken up by an initiative: done.
    plan = make_plan(company)
    plan.initiatives.update(source_contract=passed)
    assert [item.title for item in items_for(company.manager)] == [
        "Laptop framework (Dell Technologies Ltd)"
    ]


def test_supplier_matches_wait_on_the_managers_whose_categories_the_supplier_sells_in(
    company_with_spend,
):
    company = company_with_spend
    SupplierAlias.objects.create(supplier=company.suppliers[0], name="Dell Tech", score=91)
    SupplierAlias.objects.create(supplier=company.suppliers[2], name="Brite Clean", score=88)
    SupplierAlias.objects.create(supplier=company.suppliers[2], name="B Clean", confirmed=True)

    assert [item.title for item in items_for(company.manager)] == ["1 supplier match to review"]
    assert [item.title for item in items_for(company.other_manager)] == [
        "1 supplier match to review"
    ]
    assert [item.title for item in items_for(company.administrator)] == [
        "2 supplier matches to review"
    ]
    assert items_for(company.unit_lead) == [] and items_for(company.cpo) == []


def finished_job(company, status, **fields):
    return ImportJob.objects.create(
        file_name=fields.pop("file_name", "october.csv"),
        stored_path="/nowhere/october.csv",
        content_hash=str(ImportJob.objects.count()).zfill(64),
        status=status,
        created_by=fields.pop("created_by", company.manager),
        finished_at=fields.pop("finished_at", timezone.now()),
        **fields,
    )


def test_a_finished_import_waits_on_its_importer_until_seen(company):
    stored = finished_job(company, ImportJob.STORED, lines_stored=1234)
    failed = finished_job(company, ImportJob.FAILED, message="disk full", file_name="nov.csv")
    finished_job(company, ImportJob.RUNNING, file_name="running.csv", finished_at=None)
    finished_job(company, ImportJob.STORED, created_by=company.other_manager)
    finished_job(
        company,
        ImportJob.STORED,
        file_name="old.csv",
        finished_at=timezone.now() - datetime.timedelta(days=40),
    )

    items = items_for(company.manager)
    assert [(item.title, item.why) for item in items] == [
        ("october.csv", "Stored 1,234 lines"),
        ("nov.csv", "Failed: disk full"),
    ]
    item_seen(person=company.manager, key=f"import:{stored.pk}")
    assert [item.url for item in items_for(company.manager)] == [f"/inbox/imports/{failed.pk}/"]
    assert len(items_for(company.other_manager)) == 1


def test_the_items_cost_the_same_queries_however_many_there_are(
    company, django_assert_max_num_queries
):
    def fill(count):
        for index in range(count):
            add_survey_round(company, name=f"Round {index}")
            finished_job(company, ImportJob.STORED, file_name=f"f{index}.csv")
            contract(company, category=company.hardware, days_to_notice=index + 1)

    fill(1)
    with django_assert_max_num_queries(16) as few:
        items_for(company.unit_lead), items_for(company.manager)
    fill(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(items_for(company.unit_lead)) == 9
        assert len(items_for(company.manager)) == 18
