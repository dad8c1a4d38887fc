"""A person's most visited pages (home, portfolio, categories, the cube, a plan, suppliers, a
unit, the inbox and the header's inbox count that every page fetches) kept whole, for that
person in that browser, until anything in the database changes.

Why whole pages: with every figure and chart already cached (workbench.figures, .charts), what
is left of a page is putting it together (permissions, queries for the rows it lists, the
template), 5-20 ms of CPU each time the same person comes back to the same page. Kept, the
page costs the session, the person and one query.

Why never stale: a kept page is filed under the database's own log position, which moves with
every write anywhere (a plan saved, an answer given, an import, a role changed, an inbox item
read, a session renewed), not under the data versions of workbench.figures, which cover only
the areas figures are derived from. A reader takes the position before it reads anything, so
whatever it renders is at least as new as the position it is filed under. On the primary that
is pg_current_wal_insert_lsn(): a transaction's commit record is inserted before its changes
become visible, so once they are, the position has moved past every page rendered without
them. On a replica (workbench.db_router) it is pg_last_wal_replay_lsn(). A page that wrote
anything while it was rendered is not kept: the position moved under it, and a page served
from the cache would skip that write. Time moves too (an import shown for seven days,
"ending within 90 days"): a kept page serves for the minute it was rendered in, no longer.

Why it cannot show anyone else's page: the key holds the person, their session and their
browser's CSRF secret (the page's forms carry a token made from it) with the address and the
htmx headers that choose what the view renders. Only a page for a logged-in person who has
no message waiting is kept; only HTML (a download is never kept, so each one still runs the
view and leaves its audit record), with no cookie of its own.

Where it works: PostgreSQL only, which reports its log position; on SQLite (the one-person
`make run`) every page is rendered. Each process keeps its own pages in memory (the cache
"pages" in config/settings.py): a deploy's new templates start with an empty cache, and one
person's pages are not worth a shared server's memory. PAGE_CACHE=0 turns it off.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import router
from django.middleware.csrf import get_token
from django.utils import timezone

from workbench.db_router import log_position
from workbench.models import DataVersion

# Pages larger than this are rendered each time (a cube of many rows): memory is better spent
# on many ordinary pages.
LARGEST_KEPT_BYTES = 400 * 1024
# Kept at most this long unread; a new log position or minute makes a page unreachable anyway.
PAGE_SECONDS = 120
KEPT_HEADER = "X-Workbench-Page"


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    # len() reads the waiting messages without marking them shown.
    return storage is not None and len(storage) > 0


def _page_key(request, alias: str, position: str) -> str:
    parts = [
        str(request.user.pk),
        request.session.session_key or "",
        request.META.get("CSRF_COOKIE", ""),
        request.get_full_path(),
        alias,
        position,
        timezone.now().strftime("%Y-%m-%dT%H:%M"),
    ]
    # htmx says which part of the page it wants (HX-Request, HX-Target, HX-Trigger...).
    parts += sorted(
        f"{name}={value}"
        for name, value in request.headers.items()
        if name.lower().startswith("hx-")
    )
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _keepable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and "Content-Disposition" not in response
        and not response.cookies
        and len(response.content) <= LARGEST_KEPT_BYTES
    )


def kept_for_the_person(view):
    """Serves `view`'s page from the person's kept copy while the database has not moved; the
    view must render from the database, the person, the address and the date alone."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (
            settings.PAGE_CACHE
            and request.method == "GET"
            and request.user.is_authenticated
            # Without the browser's CSRF secret a page's forms would carry another's token.
            and request.META.get("CSRF_COOKIE")
            and not _messages_waiting(request)
        ):
            return view(request, *args, **kwargs)
        alias = router.db_for_read(DataVersion)
        position = log_position(alias)
        if position is None:
            return view(request, *args, **kwargs)
        pages = caches["pages"]
        key = _page_key(request, alias, position)
        kept = pages.get(key)
        if kept is not None:
            # As a render would: the CSRF cookie's expiry is renewed by using it.
            get_token(request)
            kept[KEPT_HEADER] = "kept"
            return kept
        response = view(request, *args, **kwargs)
        if (
            _keepable(response)
            and not _messages_waiting(request)
            and log_position(alias) == position
        ):
            pages.set(key, response, PAGE_SECONDS)
        return response

    return wrapper
