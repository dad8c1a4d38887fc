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
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def every_page_rendered(settings):
    """For a test of what a page's render costs: no page is served from the person's kept copy
    (workbench.page_cache), whose own cost tests/workbench/test_page_cache.py measures."""
    settings.PAGE_CACHE = False
