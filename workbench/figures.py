"""Derived figures (spend summaries, chart data, concentration, weights, portfolio aggregates)
kept in Django's cache, filed under the data version of every area they read.

Why a version and not a time limit: a cached figure must never be stale. Every write that
changes an area's figures gives the area a new stamp (`bump`) in the writer's own transaction,
so the new data and the new stamp become visible together. A reader reads the stamps first and
the data after, so whatever it computes is at least as new as the stamps it files it under:
a figure computed before a write is never served after it. (Bumping on commit instead would
let a reader file the old figure under the new stamp.) `bump` runs from the post_save and
post_delete signals of every model whose rows feed figures, so an ordinary save cannot forget
it, and from the services that write in bulk (imports, undo, classification, supplier merges,
the summary's rebuild), whose queries send no signals: there it follows the write.

Why the reader's scope is part of the key: the same figure differs by who reads it (a unit
lead reads only their units' spend). `cached` takes a `scope` from workbench.permissions
(`spend_scope` and friends): the permission decision itself, never only a role.
"""

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from workbench.models import DataVersion

SPEND = "spend"  # lines, the summary, the category tree, units, suppliers' names, Kraljic
SUPPLIERS = "suppliers"  # segments, relationship plans, scorecards, contracts, engagement
PLANS = "plans"  # plans, initiatives, endorsements, stage probabilities
ANSWERS = "answers"  # priorities, survey rounds and answers, value drivers, agreements
MATURITY = "maturity"  # assessments and the maturity model
OPPORTUNITIES = "opportunities"  # benchmark rates, approval thresholds, duplicate reviews
EVERY_AREA = (SPEND, SUPPLIERS, PLANS, ANSWERS, MATURITY, OPPORTUNITIES)

# Whose rows feed which area's figures: by app, with the models that feed others too.
AREAS_OF_APP = {
    "categories": (SPEND,),
    "spend": (SPEND,),
    "suppliers": (SUPPLIERS,),
    "plans": (PLANS,),
    "stakeholders": (ANSWERS,),
    "portfolio": (MATURITY,),
    "opportunities": (OPPORTUNITIES,),
}
AREAS_OF_MODEL = {
    "suppliers.supplier": (SPEND, SUPPLIERS),
    "suppliers.suppliermerge": (SPEND, SUPPLIERS),
    "stakeholders.businessunit": (SPEND, ANSWERS),
}
# Rows no figure is derived from: a job's progress, saved column mappings, the classifier's
# queue and its trainings, exchange rates (applied once, when lines are imported).
NO_FIGURES = {
    "spend.importjob",
    "spend.columnmapping",
    "spend.classificationsuggestion",
    "spend.classifiertraining",
    "spend.exchangerate",
    # Bumped once its import is stored (spend.importing.storing), not at the start, where the
    # version's row would stay locked while the lines are written.
    "spend.importbatch",
}

# Tables of millions of rows: a delete with a receiver would fetch every row to signal it,
# where without one it is a single DELETE. Whatever removes their rows in bulk (undoing an
# import, the summary's rebuild, a supplier merge) bumps the area itself.
SIGNALS_ON_SAVE_ONLY = {"spend.spendline", "spend.spendsummary"}

# Figures live at most this long unread; a new stamp makes them unreachable at once anyway.
FIGURE_SECONDS = 60 * 60
_MISSING = object()
# Within one request the stamps are read once, by the first figure asked for (one query for
# every area), and read again after any write the request makes. Outside requests (the task
# worker, commands) they are read every time: nothing tells when such work moves on.
_request = threading.local()


def bump(*areas: str) -> None:
    """Give each area a new stamp, inside the caller's transaction (the row stays locked until
    it commits, so two writers of one area take turns)."""
    if getattr(_request, "stamps", None) is not None:
        _request.stamps = {}
    for area in areas:
        stamp = uuid.uuid4().hex
        changed = DataVersion.objects.filter(area=area).update(number=F("number") + 1, stamp=stamp)
        if changed:
            continue
        try:
            with transaction.atomic():
                DataVersion.objects.create(area=area, number=1, stamp=stamp)
        except IntegrityError:  # another writer made the row first
            DataVersion.objects.filter(area=area).update(number=F("number") + 1, stamp=stamp)


def stamps(areas: Iterable[str]) -> tuple | None:
    """The areas' current stamps in one query; None while an area has never been written (a
    new or emptied database), for which nothing is cached."""
    areas = tuple(sorted(set(areas)))
    found = getattr(_request, "stamps", None)
    if not found:
        found = dict(DataVersion.objects.values_list("area", "stamp"))
        if getattr(_request, "stamps", None) is not None:
            _request.stamps = found
    if any(area not in found for area in areas):
        return None
    return tuple(found[area] for area in areas)


def cached(name: str, *, areas: Iterable[str], scope, compute: Callable, key=()):
    """`compute()`, or what it gave before at the same stamps of `areas`, for the same `scope`
    (who may read what: workbench.permissions) and `key` (the figure's own inputs: a period,
    a filter). Both must be made of plain values whose repr says all that matters."""
    current = stamps(areas)
    if current is None:
        return compute()
    digest = hashlib.sha256(repr((current, scope, key)).encode()).hexdigest()
    cache_key = f"figures:{name}:{digest}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, FIGURE_SECONDS)
    return value


# --- Bumping on every save and delete of a row that feeds figures ------------------------------


def areas_of(model) -> tuple:
    meta = model._meta
    label = meta.label_lower
    if label in NO_FIGURES or meta.model_name.startswith("historical"):
        return ()
    return AREAS_OF_MODEL.get(label) or AREAS_OF_APP.get(meta.app_label, ())


def _bump_for_row(sender, **kwargs):
    if kwargs.get("raw"):  # loading fixtures: nothing is cached from them yet
        return
    bump(*areas_of(sender))


def _bump_for_links(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump(*(set(areas_of(type(instance))) | set(areas_of(sender))))


def _request_started(**kwargs):
    _request.stamps = {}


def _request_finished(**kwargs):
    _request.stamps = None


def connect_signals() -> None:
    request_started.connect(_request_started, dispatch_uid="figures-request-started")
    request_finished.connect(_request_finished, dispatch_uid="figures-request-finished")
    for model in apps.get_models():
        if areas_of(model):
            uid = f"figures-{model._meta.label_lower}"
            post_save.connect(_bump_for_row, sender=model, dispatch_uid=f"{uid}-save")
            if model._meta.label_lower in SIGNALS_ON_SAVE_ONLY:
                continue
            post_delete.connect(_bump_for_row, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_bump_for_links, dispatch_uid="figures-links")


def scope_of(rows, *, in_order: bool = False) -> str | None:
    """The cache scope of a figure read from the queryset `rows`: its SQL with the parameters
    apart, so it carries every filter that decides what the reader sees (their permission's
    condition, the page's filters) and a value typed into a page cannot make its text read as
    another reader's condition; None when no row can match (no SQL is written for that), for
    which nothing is worth keeping. A sum is the same in any order; a page of rows is not
    (`in_order`)."""
    try:
        return repr((rows if in_order else rows.order_by()).query.sql_with_params())
    except EmptyResultSet:
        return None


class CachedRows:
    """A page's table read through the cache: what Django's Paginator needs of a queryset (its
    count and one slice) filed under the data versions of `areas`, with the queryset's own SQL
    and parameters as the scope. They hold every filter that decides what the reader sees
    (their permission's condition, the search, the page's own filters), so two readers share
    an entry only when the database would give them the very same rows."""

    def __init__(self, name: str, queryset, *, areas: Iterable[str]):
        self.name, self.queryset, self.areas = name, queryset, tuple(areas)
        self.scope = scope_of(queryset, in_order=True)

    def count(self) -> int:
        if self.scope is None:
            return 0
        return cached(
            f"{self.name}-count", areas=self.areas, scope=self.scope, compute=self.queryset.count
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("CachedRows is read a slice (a page) at a time")
        if self.scope is None:
            return []
        return cached(
            f"{self.name}-rows",
            areas=self.areas,
            scope=self.scope,
            key=(index.start, index.stop),
            compute=lambda: list(self.queryset[index]),
        )
