"""Administrators correct the maturity model's wording in the app: others are refused, a stale
save is refused with what changed, and the history shows who changed which words."""

from django.urls import reverse

from portfolio.models import MaturityDescriptor, MaturityDimension


def descriptor(level=2):
    dimension, _ = MaturityDimension.objects.get_or_create(
        key="corrections-test", defaults={"name": "Spend insight (test)"}
    )
    return MaturityDescriptor.objects.create(
        dimension=dimension,
        level=level,
        descriptor="Spend is reported once a year.",
        question="Do you see spend by supplier each quarter?",
    )


def url(name, record):
    return reverse(f"portfolio:{name}", args=["descriptor", record.pk])


def data(record, **changes):
    values = {
        "descriptor": record.descriptor,
        "question": record.question,
        "version": record.version,
    }
    values.update(changes)
    return values


def test_only_administrators_reword_a_level(client, company):
    record = descriptor()
    for user in (company.cpo, company.manager, company.unit_lead):
        client.force_login(user)
        response = client.post(url("record_edit", record), data(record, question="Changed?"))
        assert response.status_code == 403
    record.refresh_from_db()
    assert record.version == 1


def test_a_rewording_is_in_the_history_and_a_stale_one_is_refused(client, company):
    record = descriptor()
    opened = data(record)
    client.force_login(company.administrator)
    response = client.post(
        url("record_edit", record), data(record, question="Do you see spend by supplier monthly?")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:maturity") + "#model"

    stale = client.post(url("record_edit", record), opened)
    assert stale.status_code == 409
    assert "Not saved: someone else saved this" in stale.content.decode()
    assert MaturityDescriptor.objects.get(pk=record.pk).question.endswith("monthly?")

    client.force_login(company.cpo)
    page = client.get(url("record_history", record)).content.decode()
    assert "“Do you see spend by supplier each quarter?” → " in page
    assert "“Do you see spend by supplier monthly?”" in page
    # Reference data is corrected, never removed: no remove button, no remove address.
    client.force_login(company.administrator)
    assert "Remove this" not in client.get(url("record_edit", record)).content.decode()


def test_wording_a_migration_wrote_opens_before_its_first_save(client, company):
    """The maturity model's rows come from a data migration, which records no history: their
    history and edit pages open all the same, with nothing changed yet."""
    record = descriptor()
    record.history.all().delete()
    client.force_login(company.administrator)
    assert client.get(url("record_edit", record)).status_code == 200
    client.force_login(company.cpo)
    assert client.get(url("record_history", record)).status_code == 200
