"""Every page of the role matrix on the demo company, timed as the person with the widest view
of it: `make bench` calls bench_every_page() after loading BENCH_LINES demo lines.

The matrix (tests/workbench/test_role_matrix.py) is the list of URLs, so a page added there is
benchmarked without anyone remembering to. Its placeholders ("it-plan", "first-supplier", ...)
name objects the test builders make; here each becomes the demo's own object of that kind (the
biggest where size matters: the supplier with the most spend), and the few the demo does not
hold (a refused import) are made on top of it.
"""

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.figures import page_budget_ms, percentile, verdict
from tests.workbench.test_role_matrix import MATRIX, ROLES

# Who sees the most of a page, first: the CPO reads the whole portfolio, the administrator
# everything else; then those who own part of it.
WIDEST_VIEW_FIRST = [
    "cpo",
    "admin",
    "manager",
    "othermanager",
    "unitlead",
    "otherlead",
    "nobody",
    "anonymous",  # the login page alone
]

# The matrix's roles as demo logins (workbench.demo.PEOPLE): any of them may be the one who
# sees a given object, so each is tried in turn.
DEMO_USERS = {
    "cpo": ["cpo"],
    "admin": ["admin"],
    "manager": ["manager", "manager2", "manager3", "manager4"],
    "othermanager": ["manager", "manager2", "manager3", "manager4"],
    "unitlead": ["unitlead", "lead-fin", "lead-it", "lead-scl", "lead-sam", "lead-rnd"],
    "otherlead": ["unitlead", "lead-fin", "lead-it", "lead-scl", "lead-sam", "lead-rnd"],
    "nobody": [],
    "anonymous": [""],  # no login
}


def is_page(statuses) -> bool:
    """A row is a page to time when some role gets 200 from a GET (the rest are POSTs or
    redirects, which have no page of their own)."""
    return 200 in statuses


def widest_role(statuses) -> str:
    """The role with the widest view among those that get the page."""
    seen = dict(zip(ROLES, statuses, strict=True))
    return next(role for role in WIDEST_VIEW_FIRST if seen[role] == 200)


def page_rows(matrix=MATRIX):
    """(url name, args, role) for every row of the matrix that is a page."""
    return [
        (name, args, widest_role(statuses)) for name, args, statuses in matrix if is_page(statuses)
    ]


def placeholders(matrix=MATRIX) -> set:
    """Every placeholder the page rows use (strings no demo object is called by)."""
    return {
        arg
        for _, args, _ in page_rows(matrix)
        for arg in args
        if isinstance(arg, str) and "-" in arg
    }


# --- Demo objects for the placeholders ---------------------------------------------------------


def _largest_supplier():
    from spend.models import SpendSummary

    top = (
        SpendSummary.objects.values("supplier_id")
        .annotate(total=Sum("spend"))
        .order_by("-total")
        .first()
    )
    return top["supplier_id"]


def _plan_in_review():
    from plans.models import CategoryPlan

    plans = CategoryPlan.objects.order_by("pk")
    return (plans.filter(status=CategoryPlan.IN_REVIEW).first() or plans.first()).pk


def _initiative():
    from plans.models import Initiative

    return Initiative.objects.filter(plan_id=_plan_in_review()).order_by("pk").first().pk


def _refused_import():
    from spend.models import ImportJob

    job, _ = ImportJob.objects.get_or_create(
        file_name="bench-refused.csv",
        defaults={
            "stored_path": "/nonexistent/bench-refused.csv",
            "content_hash": "b" * 64,
            "status": ImportJob.REJECTED,
            "error_count": 1,
            "rejected_rows": "Row,Supplier,What is wrong\n2,,the supplier is empty\n",
        },
    )
    return job.pk


def _first(model_path: str, **filters):
    from django.apps import apps

    model = apps.get_model(model_path)
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def _open_round():
    from stakeholders.models import SurveyRound

    today = time.strftime("%Y-%m-%d")
    rounds = SurveyRound.objects.order_by("-opens_on", "-pk")
    found = rounds.filter(opens_on__lte=today, closes_on__gte=today).first() or rounds.first()
    return found.pk


def _concern():
    """The newest concern the administrator sees (round, key): one a unit raised in a survey."""
    from stakeholders.you_said import concern_rows

    admin = get_user_model().objects.get(username="admin")
    row = next(iter(concern_rows(admin)), None)
    return (row.round.pk, row.concern.key) if row else (None, None)


def _planned_supplier():
    from suppliers.models import RelationshipPlan

    return RelationshipPlan.objects.order_by("pk").values_list("supplier_id", flat=True).first()


DEMO_OBJECTS = {
    "it-plan": _plan_in_review,
    "it-initiative": _initiative,
    "first-supplier": _largest_supplier,
    "planned-supplier": _planned_supplier,
    "planned-action": lambda: _first("suppliers.RelationshipAction"),
    "mfg-evaluation": lambda: _first("suppliers.Evaluation", business_unit__isnull=False),
    "dell-idea": lambda: _first("suppliers.SupplierIdea"),
    "dell-contract": lambda: _first("suppliers.Contract"),
    "refused-import": _refused_import,
    "open-round": _open_round,
    "mfg-agreement": lambda: _first("stakeholders.ServiceAgreement"),
    "mfg-measure": lambda: _first("stakeholders.AgreementMeasure"),
    "mfg-engagement": lambda: _first("stakeholders.EngagementEntry"),
    "first-driver": lambda: _first("stakeholders.ValueDriver"),
    "first-descriptor": lambda: _first("portfolio.MaturityDescriptor"),
    "mfg-it-concern": lambda: _concern()[1],
}


def demo_code(code: str) -> str:
    """A category or unit code of the matrix as the demo has it: the code itself, or (for the
    test company's own leaves, such as FM.CLEAN) the demo's first category at that depth under
    the same top-level category."""
    from categories.models import Category
    from stakeholders.models import BusinessUnit

    if (
        Category.objects.filter(code=code).exists()
        or BusinessUnit.objects.filter(code=code).exists()
    ):
        return code
    top, depth = code.split(".")[0], code.count(".")
    same_place = Category.objects.filter(code__startswith=top + ".").order_by("code")
    for candidate in same_place.values_list("code", flat=True):
        if candidate.count(".") == depth:
            return candidate
    return code


def demo_args(name: str, args: list) -> list:
    """The row's arguments as demo objects. The concern respond page needs the round the
    comment was made in, not just any open one."""
    if name == "stakeholders:concern_respond":
        return list(_concern())
    resolved = []
    for arg in args:
        if arg in DEMO_OBJECTS:
            resolved.append(DEMO_OBJECTS[arg]())
        elif isinstance(arg, str):
            resolved.append(demo_code(arg))
        else:
            resolved.append(arg)
    return resolved


def client_for(url: str, role: str):
    """A client logged in as the first demo user of `role` who gets the page, and the user's
    name; else None and the statuses the others got."""
    users = get_user_model().objects.filter(username__in=DEMO_USERS[role])
    by_name = {user.username: user for user in users}
    seen = {}
    for username in DEMO_USERS[role]:
        client = Client(raise_request_exception=False)
        if username:
            if username not in by_name:
                continue
            client.force_login(by_name[username])
        seen[username] = client.get(url).status_code
        if seen[username] == 200:
            return client, username or "anonymous"
    return None, seen


def time_page(client, url: str, requests: int):
    """Server time of `requests` GETs (the whole Django request, in process; the first, not
    counted, fills caches as a running server's would be), the median CPU time the app itself
    spent on one (the database's own not included: on a busy machine this is the figure that
    waiting for a core does not inflate), and the queries of one more."""
    started = time.perf_counter()
    response = client.get(url)
    first_ms = (time.perf_counter() - started) * 1000
    timings, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return first_ms, timings, statistics.median(cpu), len(queries), response.status_code


def bench_every_page(lines: int, requests: int, out=print) -> int:
    """Print one line per page (server p50, p95, queries, budget, MET/NOT MET) and the pages
    over budget; returns how many are over or could not be served."""
    out(
        f"Every page of the role matrix, {lines:,} lines, {requests} requests each "
        "(server time in process in ms, after one uncounted request; load average "
        f"{os.getloadavg()[0]:.2f}):"
    )
    out(
        f"  {'page':<52} {'as':<9} {'first':>6} {'p50':>6} {'p95':>6} {'app CPU':>7}"
        f" {'queries':>7}  goal"
    )
    over, failed = [], []
    for name, args, role in page_rows():
        try:
            url = reverse(name, args=demo_args(name, args))
        except Exception as error:  # a placeholder the demo holds nothing for
            failed.append(f"{name} {args}: {error}")
            continue
        client, username = client_for(url, role)
        if client is None:
            failed.append(f"{url}: as {role}, {username}")
            continue
        first, timings, cpu, queries, status = time_page(client, url, requests)
        if status != 200:
            failed.append(f"{url}: {status}")
            continue
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        budget = page_budget_ms(name, lines)
        if p95 > budget:
            over.append(url)
        out(
            f"  {url[:52]:<52} {username:<9} {first:6.0f} {p50:6.0f} {p95:6.0f} {cpu:7.0f}"
            f" {queries:7d}"
            f"  p95 <= {budget} ms {verdict(p95 <= budget)}"
        )
    for problem in failed:
        out(f"  NOT SERVED: {problem}")
    out(
        f"  ({len(MATRIX) - len(page_rows())} rows of the matrix are POSTs or redirects for "
        "everyone: no page to time)"
    )
    out(
        f"pages over their p95 budget: {len(over)} of {len(page_rows())} "
        f"(goal 0) {verdict(not over and not failed)}"
        + (f"; not served: {len(failed)}" if failed else "")
    )
    return len(over) + len(failed)


# --- Each role's main pages, for the load of many people at once ------------------------------

# Eight people, as issue 15 measured them: the CPO, category managers, unit leads and the
# administrator, in the order the load takes them.
PEOPLE_AT_ONCE = ["cpo", "manager2", "unitlead", "manager", "admin", "manager3", "lead-fin", "cpo"]


def main_pages(username: str) -> list[str]:
    """The pages `username` goes to most: home, the portfolio or their categories, the cube,
    a plan they may read, suppliers, their unit; only those they get (checked in process)."""
    from categories.models import Category
    from plans.models import CategoryPlan
    from stakeholders.models import BusinessUnit

    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    wanted = ["/", "/portfolio/", "/categories/", "/categories/cube/", "/suppliers/"]
    own_top = Category.objects.filter(owner=user, parent__isnull=True).order_by("code").first()
    if own_top:
        wanted.append(reverse("categories:detail", args=[own_top.code]))
    unit = BusinessUnit.objects.filter(leads=user).order_by("code").first()
    if unit:
        wanted.append(reverse("stakeholders:unit", args=[unit.code]))
    # Their own category's plan when they have one, else the first they may read.
    plans = CategoryPlan.objects.order_by("pk")
    if own_top:
        plans = plans.filter(category__path__startswith=own_top.path)
    for pk in plans.values_list("pk", flat=True)[:20]:
        url = reverse("plans:plan_detail", args=[pk])
        if client.get(url).status_code == 200:
            wanted.insert(2, url)
            break
    return [url for url in wanted if client.get(url).status_code == 200]


def people_and_pages() -> dict:
    return {username: main_pages(username) for username in dict.fromkeys(PEOPLE_AT_ONCE)}
