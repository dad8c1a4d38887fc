"""The opportunity finder (one category, or the whole portfolio for the CPO) and the review of
possible duplicate payments. Views fetch and authorise, call a query, and render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from categories.models import Category
from opportunities import queries, services
from opportunities.benchmarks import KINDS
from opportunities.duplicates import review_totals
from opportunities.forms import DuplicateDecisionForm
from opportunities.models import FindingInitiative
from plans import initiative_sources
from workbench import params
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    duplicate_decider,
    may_change_plan,
    may_review_duplicates,
    opportunity_category_for_user,
    reads_contract_findings,
    require_duplicate_decider,
    require_duplicate_reader,
    require_portfolio_reader,
)

FINDINGS_PER_PAGE = 20


def _kind_filter(request, findings):
    """?kind= narrows the list to one kind of opportunity; anything else shows them all."""
    kind = request.GET.get("kind", "")
    if kind in dict(KINDS):
        return kind, [finding for finding in findings if finding.kind == kind]
    return "", findings


def _plans_by_scope(user, scopes):
    """Scope code → the open plans the user may add an initiative to, around that scope."""
    plans = [p for p in initiative_sources.open_plans_for(scopes) if may_change_plan(user, p)]
    found = {}
    for scope in scopes:
        found[scope.code] = [
            plan
            for plan in plans
            if plan.category.path.startswith(scope.path)
            or scope.path.startswith(plan.category.path)
        ]
    return found


def _finder_page(request, scopes, template, context):
    today = timezone.localdate()
    findings, data = queries.findings(
        request.user, scopes, today, with_contracts=reads_contract_findings(request.user)
    )
    kind, shown = _kind_filter(request, findings)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, context["filename"], queries.FINDING_COLUMNS, shown)
    page = Paginator(shown, FINDINGS_PER_PAGE).get_page(params.page_number(request.GET))
    started = {
        record.finding_key: record.initiative
        for record in FindingInitiative.objects.filter(
            finding_key__in=[finding.key for finding in page]
        ).select_related("initiative__plan__category")
    }
    plans = _plans_by_scope(request.user, scopes)
    items = [
        {
            "finding": finding,
            "initiative": started.get(finding.key),
            "plans": plans.get(finding.scope_code, []),
        }
        for finding in page
    ]
    context.update(
        {
            "items": items,
            "page": page,
            "all_count": len(findings),
            "kinds": [
                (value, name, sum(f.kind == value for f in findings)) for value, name in KINDS
            ],
            "kind": kind,
            "period": data.period if data else None,
            "currency": settings.BASE_CURRENCY,
            "shown_count": len(shown),
            "totals": {
                "addressable": sum((f.addressable for f in shown), 0),
                "low": sum((f.saving_low for f in shown), 0),
                "high": sum((f.saving_high for f in shown), 0),
            },
            "reads_contracts": reads_contract_findings(request.user),
            "may_review_duplicates": may_review_duplicates(request.user),
        }
    )
    if request.htmx:
        template = f"{template}#findings"
    return render(request, template, context)


def category_finder(request, code):
    """Where the money is in one category: every finding in its subtree, over the spend the
    user may read there, largest estimated saving first."""
    category, may_change = opportunity_category_for_user(request, code)
    return _finder_page(
        request,
        [category],
        "opportunities/category_finder.html",
        {"category": category, "may_change": may_change, "filename": f"opportunities-{code}"},
    )


def portfolio_finder(request):
    """Every top-level category's findings side by side, for the CPO."""
    require_portfolio_reader(request)
    scopes = list(Category.objects.filter(parent__isnull=True).order_by("path"))
    return _finder_page(
        request,
        scopes,
        "opportunities/portfolio_finder.html",
        {"filename": "opportunities", "duplicates": queries.confirmed_duplicates()},
    )


def _duplicate_scope(request):
    """?category=CODE narrows the review to a category's subtree; an unknown code shows all."""
    code = request.GET.get("category", "")
    # PostgreSQL refuses a NUL in a query; no code holds one.
    return Category.objects.filter(code=code).first() if code and "\x00" not in code else None


def duplicate_list(request):
    """Possible duplicate payments, largest first, each with its verdict or a form for one."""
    require_duplicate_reader(request)
    category = _duplicate_scope(request)
    pairs = queries.duplicate_pairs(queries.duplicate_lines(category))
    rows = queries.pair_rows(pairs)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "possible-duplicates", queries.PAIR_COLUMNS, rows)
    decisions = {row.pair.key: row.review.decision for row in rows if row.review}
    categories = {c.pk: c for c in Category.objects.filter(pk__in={p.category_id for p in pairs})}
    decides = duplicate_decider(request.user)
    for row in rows:
        row.may_decide = decides(categories.get(row.pair.category_id))
    return render(
        request,
        "opportunities/duplicates.html",
        {
            "rows": rows,
            "category": category,
            "totals": review_totals(pairs, decisions),
            "confirmed": queries.confirmed_duplicates(),
            "currency": settings.BASE_CURRENCY,
            "window_days": queries.DUPLICATE_WINDOW_DAYS,
            "shown_limit": queries.DUPLICATES_SHOWN,
            "form": DuplicateDecisionForm(),
        },
    )


@require_POST
def duplicate_decide(request, first, second):
    """Confirm a pair as a duplicate payment or clear it; the row swaps in place with htmx."""
    require_duplicate_reader(request)
    pair = queries.pair_of(first, second)
    if pair is None:
        raise Http404("These two payments are not a pair of possible duplicates.")
    category = Category.objects.filter(pk=pair.category_id).first()
    require_duplicate_decider(request, category)
    form = DuplicateDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.duplicate_decide(
                pair=pair,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as refused:
            messages.error(request, "; ".join(refused.messages))
    else:
        messages.error(request, "Choose confirmed duplicate or not a duplicate.")
    if request.htmx:
        row = queries.pair_rows([pair])[0]
        row.may_decide = True
        return render(
            request,
            "opportunities/duplicates.html#pair-row",
            {"row": row, "currency": settings.BASE_CURRENCY, "form": DuplicateDecisionForm()},
        )
    back = reverse("opportunities:duplicates")
    if category_code := request.POST.get("category", ""):
        back += f"?category={category_code}"
    return redirect(back)
