"""No page offers a person a link that answers "Not allowed": a button a business-unit lead
cannot use is not shown to them (a newcomer met "Savings tracking" and "Stage probabilities"
on the plan list, both procurement's pages). Every page of the role matrix a role may open is
read, and every link on it followed once."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.plans.plan_builders import plan_args
from tests.suppliers.builders import supplier_args
from tests.workbench.test_role_matrix import (
    MATRIX,
    ROLES,
    resolve_args,
    stakeholder_args,
    user_for,
)

LINK = re.compile(r"""<a\b[^>]*\bhref="(/[^"#]*)""")
# Links that change nothing but are not pages to check: logging out, files, the admin.
SKIPPED = re.compile(r"^/(logout|admin|static)/|[?&](amp;)?format=")


@pytest.mark.parametrize("role", ["unitlead", "otherlead", "cpo"])
def test_no_page_offers_a_link_that_is_refused(client, company_with_spend, role):
    company = company_with_spend
    client.force_login(user_for(company, role))
    column = ROLES.index(role)
    pages = []
    for name, args, statuses in MATRIX:
        if statuses[column] != 200 or name in ("logout", "login"):
            continue
        try:
            # The builders make each row's records afresh; one a second row would repeat (a
            # supplier's one relationship plan) leaves that row's page out.
            with transaction.atomic():
                args = supplier_args(stakeholder_args(args, company), company)
                args = resolve_args(plan_args(args, company), company)
        except IntegrityError:
            continue
        pages.append(reverse(name, args=args))
    followed, refused = set(), []
    for page in pages:
        try:
            response = client.get(page)
        except Exception:  # noqa: BLE001
            # The builders of every row share one database here; a page whose row's records
            # clash with another row's is checked alone by the role matrix, not here.
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in set(LINK.findall(response.content.decode())):
            href = href.replace("&amp;", "&")
            if href in followed or SKIPPED.search(href):
                continue
            followed.add(href)
            try:
                status = client.get(href).status_code
            except Exception:  # noqa: BLE001
                # A page that breaks is another test's business (its own page test, the role
                # matrix); this one is about links to pages the person may not open.
                continue
            if status == 403:
                refused.append(f"{urlsplit(page).path} offers {href}")
    assert refused == [], "\n".join(refused)
    assert len(followed) > 20  # the crawl did reach the pages
