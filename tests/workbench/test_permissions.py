import pytest

from tests.factories import make_user
from workbench import permissions
from workbench.roles import ADMINISTRATOR, CPO, roles_of

pytestmark = pytest.mark.django_db


def test_a_manager_changes_only_the_categories_they_own(company):
    assert permissions.may_change_category(company.manager, company.hardware)
    assert not permissions.may_change_category(company.manager, company.cleaning)
    assert not permissions.may_change_category(company.cpo, company.hardware)
    assert permissions.may_change_category(company.administrator, company.cleaning)


def test_a_unit_lead_sees_a_category_only_when_their_unit_buys_it(company_with_spend):
    company = company_with_spend
    assert permissions.may_view_category(company.unit_lead, company.hardware)
    assert permissions.may_view_category(company.unit_lead, company.it)
    assert not permissions.may_view_category(company.unit_lead, company.cleaning)
    assert permissions.may_view_category(company.cpo, company.cleaning)


def test_a_unit_lead_sees_only_their_own_units(company):
    assert list(permissions.visible_units(company.unit_lead)) == [company.manufacturing]
    assert set(permissions.visible_units(company.cpo)) == {company.manufacturing, company.finance}
    assert list(permissions.visible_units(company.nobody)) == []


def test_a_person_may_hold_several_roles():
    person = make_user("both", CPO, ADMINISTRATOR)
    assert roles_of(person) == {CPO, ADMINISTRATOR}


def test_a_superuser_counts_as_administrator():
    root = make_user("root", is_superuser=True)
    assert roles_of(root) == {ADMINISTRATOR}


def test_roles_are_read_once_per_user_object(company, django_assert_num_queries):
    user = company.manager
    with django_assert_num_queries(1):
        roles_of(user)
        roles_of(user)
