import pytest

from tests.factories import PASSWORD, add_spend, make_company


@pytest.fixture
def company(db):
    return make_company()


@pytest.fixture
def company_with_spend(company):
    add_spend(company, 60)
    return company


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def figures_computed_afresh():
    # The in-process cache outlives a test's rolled-back database: each test starts empty.
    from django.core.cache import cache

    cache.clear()
