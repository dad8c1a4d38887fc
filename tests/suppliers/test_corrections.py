"""Correcting contracts, engagement-log entries, ideas and risks: the manager who may add them
edits and removes them, others are refused, a stale save is refused with what changed, the
history shows who changed what, and a removal can be undone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio import evidence
from suppliers.models import Contract, SupplierEngagement, SupplierIdea, SupplierRisk
from tests.factories import correction_data
from tests.suppliers.builders import add_contract, add_evaluation, add_idea


def add_engagement(company, minutes=1440):
    return SupplierEngagement.objects.create(
        supplier=company.suppliers[0],
        date=timezone.localdate(),
        minutes=minutes,
        people="Ann, Dell account team",
        topic="Quarterly review",
        logged_by=company.manager,
    )


def add_risk(company):
    return SupplierRisk.objects.create(
        supplier=company.suppliers[0],
        description="Single source for docking stations",
        likelihood=3,
        impact=4,
        raised_on=datetime.date(2026, 9, 1),
    )


def contract_data(contract, **changes):
    fields = ("title", "reference", "categories", "start", "end", "value", "notice_days")
    return correction_data(contract, *fields, "auto_renewal", **changes)


def engagement_data(entry, **changes):
    return correction_data(entry, "date", "minutes", "people", "topic", **changes)


def idea_data(idea, **changes):
    fields = ("title", "kind", "description", "estimated_value", "raised_on", "status")
    return correction_data(idea, *fields, **changes)


def risk_data(risk, **changes):
    fields = ("description", "likelihood", "impact", "mitigation", "raised_on", "open")
    return correction_data(risk, *fields, **changes)


def url(name, kind, record):
    return reverse(f"suppliers:{name}", args=[kind, record.pk])


# Each kind: how to make one, its form data, a correction and how the correction reads back.
KINDS = [
    ("contract", add_contract, contract_data, {"end": "2027-01-31"}, "end", "31 Jan 2027"),
    ("engagement", add_engagement, engagement_data, {"minutes": 240}, "minutes", "240"),
    ("idea", add_idea, idea_data, {"status": "accepted"}, "status", "Accepted"),
    ("risk", add_risk, risk_data, {"likelihood": 5}, "likelihood", "5"),
]
MODELS = {
    "contract": Contract,
    "engagement": SupplierEngagement,
    "idea": SupplierIdea,
    "risk": SupplierRisk,
}


@pytest.mark.parametrize(("kind", "make", "data", "change", "field", "shown"), KINDS)
def test_owner_corrects_and_the_history_shows_who_changed_what(
    client, company_with_spend, kind, make, data, change, field, shown
):
    company = company_with_spend
    record = make(company)
    client.force_login(company.manager)
    response = client.post(url("record_edit", kind, record), data(record, **change))
    assert response.status_code == 302
    corrected = MODELS[kind].objects.get(pk=record.pk)
    assert corrected.version == record.version + 1
    assert str(getattr(corrected, field)) in (str(change[field]), "2027-01-31")

    history = client.get(url("record_history", kind, record))
    assert history.status_code == 200
    page = history.content.decode()
    assert "Edited" in page
    assert company.manager.username in page or company.manager.get_full_name() in page
    assert f"“{shown}”" in page


@pytest.mark.parametrize(("kind", "make", "data", "change", "field", "shown"), KINDS)
def test_another_manager_and_a_unit_lead_are_refused(
    client, company_with_spend, kind, make, data, change, field, shown
):
    company = company_with_spend
    record = make(company)
    for user in (company.other_manager, company.unit_lead, company.cpo):
        client.force_login(user)
        assert client.post(
            url("record_edit", kind, record), data(record, **change)
        ).status_code in (
            403,
            404,
        )
        assert client.post(
            url("record_remove", kind, record), {"version": record.version}
        ).status_code in (403, 404)
    record.refresh_from_db()
    assert record.version == 1
    assert record.removed_at is None


@pytest.mark.parametrize(("kind", "make", "data", "change", "field", "shown"), KINDS)
def test_a_stale_save_is_refused_showing_what_changed(
    client, company_with_spend, kind, make, data, change, field, shown
):
    company = company_with_spend
    record = make(company)
    opened = data(record)  # the form as the second person opened it
    client.force_login(company.administrator)
    assert client.post(url("record_edit", kind, record), data(record, **change)).status_code == 302

    client.force_login(company.manager)
    response = client.post(url("record_edit", kind, record), opened)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: someone else saved this after you opened it" in page
    assert f"“{shown}”" in page
    assert company.administrator.username in page or company.administrator.get_full_name() in page
    fresh = MODELS[kind].objects.get(pk=record.pk)
    assert fresh.version == 2
    # Saving again from the refused page is a deliberate choice: it carries the new version.
    assert f'name="version" value="{fresh.version}"' in page


@pytest.mark.parametrize(("kind", "make", "data", "change", "field", "shown"), KINDS)
def test_removal_hides_it_and_undo_restores_it(
    client, company_with_spend, kind, make, data, change, field, shown
):
    company = company_with_spend
    record = make(company)
    model = MODELS[kind]
    client.force_login(company.manager)
    response = client.post(url("record_remove", kind, record), {"version": record.version})
    assert response.status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    removed = model.every_record.get(pk=record.pk)
    assert removed.removed_by == company.manager

    tab = client.get(response["Location"]).content.decode()
    assert "Removed (1)" in tab
    assert "Undo removal" in tab
    assert "Removed" in client.get(url("record_history", kind, record)).content.decode()

    # The administrator may undo anyone's removal.
    client.force_login(company.administrator)
    assert client.post(url("record_restore", kind, record)).status_code == 302
    assert model.objects.filter(pk=record.pk).exists()
    assert "Removal undone" in client.get(url("record_history", kind, record)).content.decode()


def test_a_removal_over_a_newer_correction_is_refused(client, company_with_spend):
    company = company_with_spend
    contract = add_contract(company)
    client.force_login(company.administrator)
    client.post(url("record_edit", "contract", contract), contract_data(contract, title="Laptops"))
    client.force_login(company.manager)
    response = client.post(url("record_remove", "contract", contract), {"version": 1})
    assert response.status_code == 409
    assert "Not removed: someone changed this after you loaded it" in response.content.decode()
    assert Contract.objects.filter(pk=contract.pk).exists()


def test_a_removed_contract_leaves_the_ending_list_and_the_export(client, company_with_spend):
    company = company_with_spend
    today = timezone.localdate()
    contract = add_contract(company, end=today + datetime.timedelta(days=30))
    client.force_login(company.manager)
    ending = reverse("suppliers:contracts") + "?within=90"
    assert "Laptop framework" in client.get(ending).content.decode()
    client.post(
        url("record_remove", "contract", contract), {"version": contract.version}, follow=True
    )
    assert "Laptop framework" not in client.get(ending).content.decode()
    export = client.get(ending + "&format=csv")
    assert b"Laptop framework" not in b"".join(export.streaming_content)


def test_corrected_hours_follow_in_the_time_figures_at_once(client, company_with_spend):
    """40 hours typed for a 4-hour meeting: the supplier's minutes and the CPO's share of time
    with strategic suppliers follow the correction, and drop it on removal."""
    company = company_with_spend
    entry = add_engagement(company, minutes=1440)
    supplier_url = reverse("suppliers:detail", args=[company.suppliers[0].pk]) + "?tab=engagement"
    client.force_login(company.manager)
    assert "1440 minutes" in client.get(supplier_url).content.decode()
    client.post(url("record_edit", "engagement", entry), engagement_data(entry, minutes=240))
    assert "240 minutes" in client.get(supplier_url).content.decode()
    entry.refresh_from_db()
    client.post(url("record_remove", "engagement", entry), {"version": entry.version})
    assert "0 minutes" in client.get(supplier_url).content.decode()
    assert not SupplierEngagement.objects.filter(pk=entry.pk).exists()
    assert evidence  # the portfolio reads SupplierEngagement.objects: removed rows never count


def test_editing_a_removed_record_sends_to_its_history(client, company_with_spend):
    company = company_with_spend
    risk = add_risk(company)
    client.force_login(company.manager)
    client.post(url("record_remove", "risk", risk), {"version": 1})
    response = client.get(url("record_edit", "risk", risk))
    assert response.status_code == 302
    assert response["Location"] == url("record_history", "risk", risk)


def test_an_unknown_kind_is_not_found(client, company_with_spend):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("suppliers:record_history", args=["plan", 1]))
    assert response.status_code == 404


def test_history_panel_for_htmx_is_the_panel_alone(client, company_with_spend):
    company = company_with_spend
    contract = add_contract(company)
    client.force_login(company.cpo)
    response = client.get(url("record_history", "contract", contract), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="history-panel">')
    assert "Recorded" in page


def test_history_page_queries_do_not_grow_with_changes(
    client, company_with_spend, django_assert_max_num_queries
):
    company = company_with_spend
    contract = add_contract(company)
    client.force_login(company.manager)
    for day in range(1, 12):
        current = Contract.objects.get(pk=contract.pk)
        client.post(
            url("record_edit", "contract", contract),
            contract_data(current, end=f"2027-02-{day:02d}"),
        )
    assert Contract.objects.get(pk=contract.pk).version == 12
    with django_assert_max_num_queries(12):
        response = client.get(url("record_history", "contract", contract))
    assert response.content.decode().count("Edited") == 11


def evaluation_data(evaluation, **scores):
    """The correction form's fields: a rating per KPI of the test template (by KPI name)."""
    data = {"comment": evaluation.comment, "version": evaluation.version}
    rated = {rating.kpi.name: rating.score for rating in evaluation.ratings.select_related("kpi")}
    for weight in evaluation.template.weights.select_related("kpi"):
        score = scores.get(weight.kpi.name, rated.get(weight.kpi.name))
        data[f"kpi_{weight.kpi_id}"] = "" if score is None else str(score)
    return data


def test_a_unit_lead_corrects_their_scorecard_and_the_score_follows(client, company_with_spend):
    """Quality 4 (weight 50) and cost 2 (weight 20), delivery unrated: (200 + 40) / 70 = 3.43.
    Quality corrected to 2: (100 + 40) / 70 = 2.00."""
    company = company_with_spend
    evaluation = add_evaluation(company, unit=company.manufacturing)
    tab = reverse("suppliers:detail", args=[company.suppliers[0].pk]) + "?tab=scorecards"
    client.force_login(company.unit_lead)
    assert client.get(tab).context["scored"][0]["score"] == pytest.approx(3.43, abs=0.01)

    client.force_login(company.manager)  # the category manager does not speak for the unit
    assert (
        client.post(
            url("record_edit", "evaluation", evaluation),
            evaluation_data(evaluation, **{"Test quality": 2}),
        ).status_code
        == 403
    )

    client.force_login(company.unit_lead)
    opened = evaluation_data(evaluation)
    response = client.post(
        url("record_edit", "evaluation", evaluation),
        evaluation_data(evaluation, **{"Test quality": 2}),
    )
    assert response.status_code == 302
    assert client.get(tab).context["scored"][0]["score"] == pytest.approx(2.0)
    history = client.get(url("record_history", "evaluation", evaluation)).content.decode()
    assert "Test quality: 4 → 2" in history

    stale = client.post(url("record_edit", "evaluation", evaluation), opened)
    assert stale.status_code == 409
    assert "Test quality: 4 → 2" in stale.content.decode()


def test_a_removed_scorecard_leaves_the_trend_and_its_rater_undoes_it(client, company_with_spend):
    company = company_with_spend
    evaluation = add_evaluation(company, unit=company.manufacturing)
    tab = reverse("suppliers:detail", args=[company.suppliers[0].pk]) + "?tab=scorecards"
    client.force_login(company.unit_lead)
    client.post(url("record_remove", "evaluation", evaluation), {"version": 1})
    page = client.get(tab)
    assert page.context["scored"] == []
    assert "Removed (1)" in page.content.decode()
    assert client.get(evaluation.get_absolute_url()).status_code == 404
    client.post(url("record_restore", "evaluation", evaluation))
    assert len(client.get(tab).context["scored"]) == 1


def test_a_removed_contract_moves_with_a_merge_and_can_still_be_restored(company_with_spend):
    from suppliers.merging import merge_suppliers, undo_merge
    from suppliers.models import Supplier

    company = company_with_spend
    duplicate = Supplier.objects.create(name="Dell Technologies UK")
    contract = add_contract(company, supplier=duplicate)
    Contract.every_record.filter(pk=contract.pk).update(removed_at=timezone.now())
    merge = merge_suppliers(company.suppliers[0], duplicate)
    assert Contract.every_record.get(pk=contract.pk).supplier == company.suppliers[0]
    undo_merge(merge)
    assert Contract.every_record.get(pk=contract.pk).supplier.name == "Dell Technologies UK"


def test_a_record_made_before_history_was_kept_shows_its_first_correction(
    client, company_with_spend
):
    """Entries loaded in bulk (the demo's log) have no history row: the first correction writes
    down what they were, so it still shows from what to what."""
    company = company_with_spend
    SupplierEngagement.objects.bulk_create(
        [
            SupplierEngagement(
                supplier=company.suppliers[0],
                date=timezone.localdate(),
                minutes=600,
                people="Ann",
                topic="Site visit",
            )
        ]
    )
    entry = SupplierEngagement.objects.get(topic="Site visit")
    assert not entry.history.exists()
    client.force_login(company.manager)
    client.post(url("record_edit", "engagement", entry), engagement_data(entry, minutes=60))
    page = client.get(url("record_history", "engagement", entry)).content.decode()
    assert "“600” → “60”" in page
    assert "As first kept" in page
