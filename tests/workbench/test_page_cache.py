"""A person's kept pages (workbench.page_cache): the same person in the same browser coming back
to a page while nothing in the database has moved gets it without a render; anything written
anywhere, a minute passing, a message waiting, another person or another browser each get a
page rendered afresh. PostgreSQL only, like the cache itself (SQLite reports no log position)."""

import datetime
import os

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent
from workbench import page_cache
from workbench.db_router import log_position
from workbench.page_cache import KEPT_HEADER

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite reports no log position: every page is rendered there"
)
pytestmark = pytest.mark.django_db

CATEGORIES = "/categories/"


@pytest.fixture(autouse=True)
def no_pages_kept():
    caches["pages"].clear()


def browser(user) -> Client:
    """A browser the person has logged in with and been given a CSRF cookie by a first page,
    as after any real log-in."""
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.cookies.get("csrftoken")
    return client


def kept(response) -> bool:
    assert response.status_code == 200
    return response.get(KEPT_HEADER) == "kept"


def comes_back_kept(client, url) -> bool:
    """Whether visiting `url` again soon gives the kept page. The first reads after writes may
    themselves write (PostgreSQL prunes the dead rows of a page it reads), and a page whose
    render moved the log position is not kept: a visit or two settles it."""
    return any(kept(client.get(url)) for _ in range(3))


@postgresql_only
def test_a_person_coming_back_gets_their_page_kept_at_the_cost_of_three_queries(
    company_with_spend, django_assert_max_num_queries
):
    client = browser(company_with_spend.manager)
    first = client.get(CATEGORIES)
    assert not kept(first)
    assert comes_back_kept(client, CATEGORIES)
    # The session, the person, the log position: no permission, figure or row is read.
    with django_assert_max_num_queries(3):
        again = client.get(CATEGORIES)
    assert kept(again)
    assert again.content == first.content
    assert "no-store" in again["Cache-Control"]  # the app's own headers, as on a render


@postgresql_only
def test_a_write_anywhere_shows_at_once_even_one_no_data_version_covers(company_with_spend):
    client = browser(company_with_spend.manager)
    assert comes_back_kept(client, CATEGORIES)
    # A bulk update sends no signal and bumps no data version: only the log position moves.
    get_user_model().objects.filter(pk=company_with_spend.other_manager.pk).update(
        first_name="Renamed", last_name="Owner"
    )
    after = client.get(CATEGORIES)
    assert not kept(after)
    assert b"Renamed Owner" in after.content


@postgresql_only
def test_nobody_is_given_anothers_kept_page(company_with_spend):
    manager = browser(company_with_spend.manager)
    assert comes_back_kept(manager, CATEGORIES)
    edit_it = reverse("categories:edit", args=["IT"]).encode()

    other = browser(company_with_spend.other_manager)
    theirs = other.get(CATEGORIES)
    assert not kept(theirs)
    assert edit_it not in theirs.content
    assert reverse("categories:edit", args=["FM"]).encode() in theirs.content

    # The same person in a second browser: its forms need its own CSRF secret.
    second_browser = browser(company_with_spend.manager)
    page = second_browser.get(CATEGORIES)
    assert not kept(page)
    assert edit_it in page.content


@postgresql_only
def test_a_waiting_message_is_shown_on_a_page_rendered_for_it(company_with_spend):
    client = browser(company_with_spend.manager)
    assert comes_back_kept(client, CATEGORIES)
    storage = CookieStorage(HttpRequest())
    storage.add(messages.SUCCESS, "Your plan was saved.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    with_message = client.get(CATEGORIES)
    assert not kept(with_message)
    assert b"Your plan was saved." in with_message.content
    # Shown once: the page after it is not the one that carried the message.
    after = client.get(CATEGORIES)
    assert b"Your plan was saved." not in after.content


@postgresql_only
def test_a_download_is_never_kept_and_each_leaves_its_record(company_with_spend):
    client = browser(company_with_spend.manager)
    for _ in range(3):
        response = client.get(CATEGORIES, {"format": "csv"})
        assert response.status_code == 200
        assert KEPT_HEADER not in response
    assert SecurityEvent.objects.filter(kind=SecurityEvent.EXPORT).count() == 3


@postgresql_only
def test_a_kept_page_serves_for_the_minute_it_was_rendered_in(company_with_spend, monkeypatch):
    client = browser(company_with_spend.manager)
    now = timezone.now().replace(second=5)
    monkeypatch.setattr(page_cache.timezone, "now", lambda: now)
    assert comes_back_kept(client, CATEGORIES)
    now = now + datetime.timedelta(minutes=1)
    assert not kept(client.get(CATEGORIES))


@postgresql_only
def test_what_htmx_asks_for_is_kept_apart_from_the_whole_page(company_with_spend):
    client = browser(company_with_spend.cpo)
    assert comes_back_kept(client, "/portfolio/")
    part = client.get("/portfolio/", {"part": "segment-chart"}, headers={"HX-Request": "true"})
    assert not kept(part)
    assert b"<html" not in part.content


@postgresql_only
def test_the_log_position_moves_with_every_write(company):
    before = log_position(DEFAULT_DB_ALIAS)
    get_user_model().objects.filter(pk=company.cpo.pk).update(first_name="Moved")
    assert log_position(DEFAULT_DB_ALIAS) != before


@postgresql_only
def test_turned_off_every_page_is_rendered(company_with_spend, settings):
    settings.PAGE_CACHE = False
    client = browser(company_with_spend.manager)
    for _ in range(3):
        assert not kept(client.get(CATEGORIES))


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite half of the suite")
def test_on_sqlite_every_page_is_rendered(company_with_spend):
    client = browser(company_with_spend.manager)
    assert log_position(DEFAULT_DB_ALIAS) is None
    for _ in range(3):
        assert not kept(client.get(CATEGORIES))
