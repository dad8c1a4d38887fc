"""The inbox pages: the list, the header's count, the home section, the email choices, opening
an import from the inbox; and an email's link landing on its page after logging in."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox import kinds
from inbox.models import DeliveryPreference, SeenItem
from plans.models import CategoryPlan
from spend.models import ImportJob
from tests.factories import add_survey_round
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_what_waits_with_why_since_when_and_where_to_act(client, company):
    survey_round = add_survey_round(company)
    client.force_login(company.unit_lead)

    page = client.get(reverse("inbox:inbox")).content.decode()

    assert "Spring survey" in page and "Manufacturing has 2 answers to give" in page
    assert f'href="/stakeholders/surveys/{survey_round.pk}/"' in page
    assert "since " + survey_round.opens_on.strftime("%-d %b %Y") in page


def test_the_header_count_comes_after_the_page(client, company):
    add_survey_round(company)
    client.force_login(company.unit_lead)

    home = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("inbox:count")}"' in home
    count = client.get(reverse("inbox:count"), headers={"HX-Request": "true"}).content.decode()
    assert 'class="inbox-count"' in count and ">1<" in count

    client.force_login(company.nobody)
    assert "inbox-count" not in client.get(reverse("inbox:count")).content.decode()


def test_every_home_has_the_inbox_section(client, company_with_spend):
    company = company_with_spend
    make_plan(company, status=CategoryPlan.IN_REVIEW)
    for person, expected in [
        (company.cpo, "IT 2027"),
        (company.unit_lead, "IT 2027"),
        (company.manager, "Nothing is waiting for you."),
        (company.administrator, "Nothing is waiting for you."),
    ]:
        client.force_login(person)
        home = client.get(reverse("home")).content.decode()
        section = home[home.index('id="inbox"') :]
        assert "Inbox" in section and expected in section, person


def test_choices_offer_only_the_kinds_that_reach_the_person_and_are_kept(client, company):
    client.force_login(company.unit_lead)
    page = client.get(reverse("inbox:preferences")).content.decode()
    assert "A survey round asks your unit" in page
    assert "A plan awaits your approval" not in page and "Your import" not in page
    assert "no email address" in page

    response = client.post(
        reverse("inbox:preferences"),
        {
            kinds.ROUND_OPENED: kinds.NEVER,
            kinds.ROUND_CLOSING: kinds.IMMEDIATELY,
            kinds.PLAN_TO_ENDORSE: kinds.DIGEST,
            kinds.PLAN_APPROVED: kinds.IMMEDIATELY,
            kinds.PLAN_TO_APPROVE: kinds.NEVER,  # not theirs: ignored
        },
    )

    assert response.status_code == 302
    assert dict(
        DeliveryPreference.objects.filter(person=company.unit_lead).values_list("kind", "how")
    ) == {
        kinds.ROUND_OPENED: kinds.NEVER,
        kinds.ROUND_CLOSING: kinds.IMMEDIATELY,
        kinds.PLAN_TO_ENDORSE: kinds.DIGEST,
        kinds.PLAN_APPROVED: kinds.IMMEDIATELY,
    }


def test_a_kind_that_only_the_digest_gathers_cannot_be_asked_for_at_once(client, company):
    client.force_login(company.manager)
    response = client.post(
        reverse("inbox:preferences"), {kinds.SUPPLIER_MATCHES: kinds.IMMEDIATELY}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not DeliveryPreference.objects.exists()


def test_opening_an_import_from_the_inbox_marks_it_seen(client, company):
    job = ImportJob.objects.create(
        file_name="october.csv",
        stored_path="/nowhere",
        content_hash="1" * 64,
        status=ImportJob.STORED,
        created_by=company.manager,
        finished_at=timezone.now(),
    )
    client.force_login(company.manager)
    assert "october.csv" in client.get(reverse("inbox:inbox")).content.decode()

    response = client.get(reverse("inbox:open_import", args=[job.pk]))

    assert response["Location"] == job.get_absolute_url()
    assert SeenItem.objects.filter(person=company.manager, key=f"import:{job.pk}").exists()
    assert "october.csv" not in client.get(reverse("inbox:inbox")).content.decode()


def test_an_emails_link_lands_on_its_page_after_logging_in(client, company, password):
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    link = reverse("plans:plan_endorse", args=[plan.pk])

    to_login = client.get(link)
    assert to_login["Location"] == f"{reverse('login')}?next={link}"
    landed = client.post(
        to_login["Location"], {"username": "unitlead", "password": password}, follow=True
    )
    assert landed.redirect_chain[-1][0] == link and landed.status_code == 200


@pytest.mark.usefixtures("every_page_rendered")
def test_the_inbox_page_costs_the_same_queries_however_many_items(
    client, company, django_assert_max_num_queries
):
    client.force_login(company.unit_lead)
    add_survey_round(company)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("inbox:inbox"))
    for index in range(6):
        add_survey_round(company, name=f"Round {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("inbox:inbox")).content.decode().count('class="inbox-item"') == 7
