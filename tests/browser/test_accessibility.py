"""Every page of the role matrix, as every role that may open it, against WCAG 2.2 AA.

axe-core (installed from npm by `make test-deps`) checks each page load with the WCAG 2.0, 2.1
and 2.2 A and AA rules, and the same load is narrowed to 390 and 320 CSS pixels (a phone, and
400 % zoom on a 1280 px screen) where the page must not scroll sideways (WCAG 1.4.10 Reflow).
A page added to the role matrix is checked here without another line.

The walk is the same on either database and takes minutes on two cores, so it runs once, on
SQLite (the pattern of tests/workbench/test_production_server.py).
"""

import datetime
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from portfolio.maturity_wording import ensure_maturity_model
from portfolio.models import MaturityDescriptor, MaturityDimension
from suppliers.models import RelationshipPlan
from tests.browser.conftest import save_screenshot
from tests.factories import PASSWORD
from tests.plans.plan_builders import plan_args
from tests.suppliers.builders import supplier_args
from tests.workbench.test_role_matrix import MATRIX, ROLES, resolve_args, stakeholder_args

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the pages are the same on either database; walked once, on SQLite",
)

AXE = (
    Path(__file__).resolve().parents[2] / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW_WIDTHS = (390, 320)

# Addresses in the matrix that answer with no page of their own: a file download, and htmx
# fragments (their markup is checked inside the pages that show them). Any other address whose
# answer has no <title> is taken for a fragment too, and counted apart in the summary.
NOT_PAGES = {"inbox:count", "spend:category_picker", "spend:import_rejected"}


def pages_by_role(company):
    """Every address each role opens with a 200 in the role matrix, built as the matrix builds
    its objects (once for all rows, so every page shows the same records)."""
    placeholders = list(dict.fromkeys(arg for _, args, _ in MATRIX for arg in args))
    made = resolve_args(plan_args(stakeholder_args(placeholders, company), company), company)
    concrete = dict(zip(placeholders, made, strict=True))
    # The matrix's stand-in dimension has no form rows; the walk opens the real model's wording
    # (a live-server test starts from emptied tables, without the migration's rows).
    MaturityDimension.objects.filter(key="role-matrix").delete()
    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    # A row as the migration wrote it, with no history yet.
    concrete["first-descriptor"] = MaturityDescriptor.objects.order_by("pk").first().pk
    # The supplier builders each make a relationship plan, of which a supplier has one: the
    # planned action goes on the plan the planned supplier already has.
    for placeholder in placeholders:
        if placeholder != "planned-action":
            concrete[placeholder] = supplier_args([concrete[placeholder]], company)[0]
    relationship_plan = RelationshipPlan.objects.get(supplier=concrete["planned-supplier"])
    concrete["planned-action"] = relationship_plan.actions.create(
        element=3,
        objective="Monthly OTIF review",
        action="Report and call",
        owner="Ann",
        due=datetime.date(2026, 12, 1),
    ).pk
    pages = {role: [] for role in ROLES}
    for name, args, statuses in MATRIX:
        if name in NOT_PAGES:
            continue
        url = reverse(name, args=[concrete[arg] for arg in args])
        for role, status in zip(ROLES, statuses, strict=True):
            if status == 200:
                pages[role].append(url)
    return pages


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """tags => axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
            }).then(result => result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(
                    n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1]
                )
            })))""",
        WCAG_AA,
    )


def heading_jumps(page) -> list[str]:
    """Headings that skip a level on the way down (an h1 followed by an h3), which leaves a
    screen reader's outline of the page with a hole in it (WCAG 1.3.1)."""
    return page.evaluate(
        """() => {
            const jumps = [];
            let previous = 0;
            for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
                if (!heading.getClientRects().length) continue;
                const level = Number(heading.tagName[1]);
                const text = heading.textContent.trim().slice(0, 40);
                if (level > previous + 1) jumps.push(`h${previous} -> h${level} "${text}"`);
                previous = level;
            }
            return jumps;
        }"""
    )


def sideways_overflow(page, width: int) -> int:
    """How far the page scrolls sideways at this viewport width (0 when it reflows)."""
    page.set_viewport_size({"width": width, "height": 800})
    # Two frames: the resize is laid out and any chart listening for it has redrawn.
    return page.evaluate(
        """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() =>
            done(document.documentElement.scrollWidth - window.innerWidth))))"""
    )


def test_every_page_as_every_role_passes_axe_and_reflows(browser, live_server, company_with_spend):
    assert AXE.exists(), f"{AXE} is missing: `make test-deps` installs axe-core from npm"
    pages = pages_by_role(company_with_spend)
    violations, overflows, by_rule = [], [], Counter()
    loads = fragments = 0
    started = time.monotonic()
    for role in ROLES:
        urls = ["/login/"] if role == "anonymous" else pages[role]
        if not urls:
            continue
        # axe is injected as an inline script, which the page's own CSP would refuse.
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, base_url=live_server.url, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            page.goto("/login/")
            page.get_by_label("Username").fill(role)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            page.set_viewport_size({"width": 1366, "height": 900})
            response = page.goto(url, wait_until="load")
            if response.status != 200:
                overflows.append(f"{role} {url} answered {response.status}")
                continue
            if not page.evaluate("!!document.title"):
                fragments += 1
                continue
            loads += 1
            for violation in run_axe(page):
                by_rule[violation["id"]] += len(violation["nodes"])
                violations.append(
                    f"{role} {url} {violation['id']} ({violation['help']}): "
                    + "; ".join(violation["nodes"][:3])
                )
            for jump in heading_jumps(page):
                by_rule["heading-skips-a-level"] += 1
                violations.append(f"{role} {url} heading skips a level: {jump}")
            for width in NARROW_WIDTHS:
                overflow = sideways_overflow(page, width)
                if overflow > 0:
                    overflows.append(f"{role} {url} at {width}px scrolls sideways by {overflow}px")
                    save_screenshot(page, f"reflow-{width}-{role}-{url}")
        context.close()
    seconds = time.monotonic() - started
    summary = (
        f"{loads} page×role loads checked in {seconds:.0f}s ({fragments} fragments skipped); "
        f"axe violations by rule (nodes): {dict(by_rule.most_common())}; "
        f"{len(overflows)} sideways scrolls"
    )
    print(summary)
    assert not violations and not overflows, "\n".join([summary, *violations, *overflows])
    assert loads > 100, summary
