"""Satisfaction survey rounds: the CPO opens one, unit leads answer per category, procurement
reads the results (NPS, importance-performance, weighted gaps, trends, comments) and voids."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from stakeholders import charts, queries, satisfaction
from stakeholders.forms import ResponseForm, RoundForm
from stakeholders.models import (
    SurveyRating,
    SurveyResponse,
    SurveyRound,
    ValueDriver,
)
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    editable_unit_for_user,
    readable_responses,
    reads_every_answer,
    require_results_reader,
    require_round_organiser,
    round_for_user,
)
from workbench.roles import is_procurement


def _today():
    return timezone.localdate()


def round_list(request):
    """Every round for procurement, with how far answers have got; a unit lead sees the rounds
    that ask their unit. Newest first, so the open round leads."""
    rounds = SurveyRound.objects.annotate(
        unit_count=Count("units", distinct=True),
        category_count=Count("categories", distinct=True),
    )
    if not is_procurement(request.user):
        rounds = rounds.filter(units__leads=request.user)
    submitted = dict(
        SurveyResponse.objects.filter(submitted_at__isnull=False)
        .values("round")
        .annotate(n=Count("id"))
        .values_list("round", "n")
    )
    today = _today()
    rows = [
        {
            "round": r,
            "open": r.is_open(today),
            "expected": r.unit_count * r.category_count,
            "submitted": submitted.get(r.pk, 0),
        }
        for r in rounds.distinct()
    ]
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_response(
            request.GET["format"],
            "survey-rounds",
            ["Round", "Opens", "Closes", "Anonymous", "Open", "Answers in", "Expected"],
            [
                [
                    row["round"].name,
                    row["round"].opens_on,
                    row["round"].closes_on,
                    row["round"].anonymous,
                    row["open"],
                    row["submitted"],
                    row["expected"],
                ]
                for row in rows
            ],
        )
    return render(
        request,
        "stakeholders/round_list.html",
        {"rows": rows, "may_open": reads_every_answer(request.user)},
    )


def round_create(request):
    require_round_organiser(request)
    form = RoundForm(request.POST or None)
    form.fields["categories"].queryset = form.fields["categories"].queryset.filter(
        parent__isnull=True
    )
    if request.method == "POST" and form.is_valid():
        survey_round = form.save(commit=False)
        survey_round.created_by = request.user
        survey_round.save()
        form.save_m2m()
        messages.success(request, f"{survey_round.name} is set up.")
        return redirect(survey_round)
    return render(request, "stakeholders/round_form.html", {"form": form})


def round_detail(request, pk):
    """For a unit lead, their to-do list in this round; for procurement, who has not answered."""
    survey_round = round_for_user(request, pk)
    today = _today()
    procurement = is_procurement(request.user)
    mine = queries.answer_states(survey_round, survey_round.units.filter(leads=request.user))
    context = {
        "round": survey_round,
        "open": survey_round.is_open(today),
        "closed": today > survey_round.closes_on,
        "todo": mine,
        "procurement": procurement,
    }
    if procurement:
        everyone = queries.answer_states(survey_round, survey_round.units.prefetch_related("leads"))
        outstanding = [row for row in everyone if row["state"] != "submitted"]
        if request.GET.get("format") in EXPORT_FORMATS:
            return export_response(
                request.GET["format"],
                f"not-answered-{survey_round.pk}",
                ["Unit", "Lead", "Category", "State"],
                [
                    [
                        r["unit"].name,
                        ", ".join(
                            lead.get_full_name() or lead.username for lead in r["unit"].leads.all()
                        ),
                        r["category"].name,
                        r["state"],
                    ]
                    for r in outstanding
                ],
            )
        context.update(
            outstanding=outstanding,
            expected=len(everyone),
            submitted=len(everyone) - len(outstanding),
        )
    return render(request, "stakeholders/round_detail.html", context)


def response_edit(request, pk, code, category_code):
    """A unit lead's answer for one category: a draft until submitted, locked once the round
    closes (or before it opens)."""
    survey_round = round_for_user(request, pk)
    unit = editable_unit_for_user(request, code)
    if not survey_round.units.filter(pk=unit.pk).exists():
        raise Http404("This round does not ask that unit.")
    category = get_object_or_404(survey_round.categories, code=category_code)
    response = SurveyResponse.objects.filter(
        round=survey_round, unit=unit, category=category
    ).first()
    drivers = list(ValueDriver.objects.filter(active=True))
    locked = not survey_round.is_open(_today())
    submitting = "submit" in request.POST
    initial = _initial(response)
    form = ResponseForm(
        drivers,
        None if locked or request.method != "POST" else request.POST,
        initial=initial,
        submitting=submitting,
    )
    if locked:
        for field in form.fields.values():
            field.disabled = True
    elif request.method == "POST" and form.is_valid():
        _save_response(request.user, survey_round, unit, category, response, form, submitting)
        if submitting:
            messages.success(request, f"Your answer on {category.name} is submitted. Thank you.")
        else:
            messages.success(request, f"Draft saved for {category.name}.")
        return redirect(survey_round)
    return render(
        request,
        "stakeholders/response_form.html",
        {
            "round": survey_round,
            "unit": unit,
            "category": category,
            "response": response,
            "form": form,
            "locked": locked,
            "not_open_yet": _today() < survey_round.opens_on,
        },
    )


def _initial(response):
    if response is None:
        return {}
    initial = {"recommend": response.recommend, "comment": response.comment}
    for driver_id, importance, level in response.ratings.values_list(
        "driver_id", "importance", "satisfaction"
    ):
        initial[f"importance-{driver_id}"] = importance
        initial[f"satisfaction-{driver_id}"] = level
    return initial


@transaction.atomic
def _save_response(user, survey_round, unit, category, response, form, submitting):
    if response is None:
        response = SurveyResponse(round=survey_round, unit=unit, category=category)
    response.recommend = form.cleaned_data["recommend"]
    response.comment = form.cleaned_data["comment"]
    response.updated_by = user
    if submitting:
        response.submitted_at = timezone.now()
    response.save()
    response.ratings.all().delete()
    SurveyRating.objects.bulk_create(
        SurveyRating(response=response, driver=driver, importance=imp, satisfaction=sat)
        for driver, (imp, sat) in form.ratings().items()
    )


# --- Results -----------------------------------------------------------------------------------


def _nps_row(label, counts, anonymous):
    result = satisfaction.NetPromoterScore(
        counts["promoters"], counts["passives"], counts["detractors"]
    )
    shown = satisfaction.may_show(result.responses, anonymous)
    return {"label": label, "nps": result, "shown": shown}


def round_results(request, pk):
    """NPS overall, by unit and by category; importance-performance; weighted gaps; trend across
    rounds; searchable comments. A category manager reads their own categories; in an anonymous
    round they see only figures over at least three responses and no unit names."""
    require_results_reader(request)
    survey_round = round_for_user(request, pk)
    everything = reads_every_answer(request.user)
    anonymous = survey_round.anonymous and not everything
    readable = readable_responses(request.user)
    responses = readable.filter(round=survey_round)

    overall = _nps_row("All answers", queries.recommend_counts(responses), anonymous)
    by_category = [
        _nps_row(row["category__name"], row, anonymous)
        for row in queries.recommend_counts(responses, "category__name")
    ]
    by_unit = (
        []
        if anonymous
        else [
            _nps_row(row["unit__name"], row, anonymous)
            for row in queries.recommend_counts(responses, "unit__name")
        ]
    )
    drivers = [
        {
            "driver": row["driver__name"],
            "importance": row["importance"],
            "satisfaction": row["satisfaction"],
            "answers": row["answers"],
            "quadrant": satisfaction.quadrant(row["importance"], row["satisfaction"]),
            "gap": satisfaction.weighted_gap(row["importance"], row["satisfaction"]),
        }
        for row in queries.driver_means(responses)
        if satisfaction.may_show(row["answers"], anonymous)
    ]
    ranked = sorted(drivers, key=lambda row: row["gap"], reverse=True)

    trend = []
    per_round = {
        row["round"]: row
        for row in queries.recommend_counts(
            readable.filter(round__opens_on__lte=survey_round.opens_on), "round"
        )
    }
    for r in SurveyRound.objects.filter(pk__in=per_round).order_by("opens_on"):
        row = _nps_row(r.name, per_round[r.pk], r.anonymous and not everything)
        if row["shown"]:
            trend.append({"round": r.name, "score": row["nps"].score})

    earlier = readable.filter(round__opens_on__lte=survey_round.opens_on)
    driver_trend = [
        {
            "round": row["response__round__name"],
            "driver": row["driver__name"],
            "satisfaction": row["satisfaction"],
        }
        for row in queries.satisfaction_by_round(earlier)
        if satisfaction.may_show(
            row["answers"], row["response__round__anonymous"] and not everything
        )
    ]

    query = request.GET.get("q", "").strip()
    comments = queries.submitted(responses).exclude(comment="").select_related("unit", "category")
    if query:
        comments = comments.filter(Q(comment__icontains=query))
    comments = comments.order_by("category__name", "unit__name")
    if anonymous:
        # A comment on a category few units answered about would say who wrote it.
        comments = comments.filter(
            category__name__in=[row["label"] for row in by_category if row["shown"]]
        )

    export = request.GET.get("format")
    if export in EXPORT_FORMATS:
        return _export_results(
            export,
            survey_round,
            request.GET.get("table"),
            anonymous,
            (ranked, by_category, by_unit, comments),
        )
    context = {
        "round": survey_round,
        "anonymous": anonymous,
        "min_respondents": satisfaction.MIN_RESPONDENTS,
        "overall": overall,
        "by_category": by_category,
        "by_unit": by_unit,
        "ranked": ranked,
        "ip_chart": figure_html(charts.importance_performance(drivers), height=460)
        if drivers
        else None,
        "trend_chart": figure_html(charts.nps_trend(trend), height=300) if trend else None,
        "driver_trend": driver_trend,
        "driver_trend_chart": (
            figure_html(charts.satisfaction_trend(driver_trend), height=340)
            if len({row["round"] for row in driver_trend}) > 1
            else None
        ),
        "comments": comments,
        "query": query,
    }
    template = "stakeholders/round_results.html"
    if request.htmx and request.GET.get("q") is not None:
        template += "#comments"
    return render(request, template, context)


def _export_results(export, survey_round, table, anonymous, tables):
    """One of the results tables as a file: drivers (default), nps or comments."""
    ranked, by_category, by_unit, comments = tables
    name = f"results-{survey_round.pk}"
    if table == "nps":
        rows = [
            [
                kind,
                row["label"],
                row["nps"].score,
                row["nps"].promoters,
                row["nps"].passives,
                row["nps"].detractors,
            ]
            for kind, rows in (("Category", by_category), ("Unit", by_unit))
            for row in rows
            if row["shown"]
        ]
        headers = ["By", "Name", "NPS", "Promoters", "Passives", "Detractors"]
        return export_response(export, f"{name}-nps", headers, rows)
    if table == "comments":
        return export_response(
            export,
            f"{name}-comments",
            ["Category", "Unit", "Recommend", "Comment"],
            [
                [
                    c.category.name,
                    "" if anonymous else c.unit.name,
                    c.recommend,
                    c.comment,
                ]
                for c in comments
            ],
        )
    return export_response(
        export,
        f"{name}-drivers",
        ["Driver", "Importance", "Satisfaction", "Answers", "Quadrant", "Weighted gap"],
        [
            [d["driver"], d["importance"], d["satisfaction"], d["answers"], d["quadrant"], d["gap"]]
            for d in ranked
        ],
    )


# --- Voids -------------------------------------------------------------------------------------


def voids(request):
    """Unit x category pairs where the unit is a detractor, or is unhappy (satisfaction <= 2)
    on the driver it weights highest: where someone else will step in if procurement does not."""
    require_results_reader(request)
    readable = readable_responses(request.user)
    rounds = list(
        SurveyRound.objects.filter(
            responses__in=readable.filter(submitted_at__isnull=False)
        ).distinct()
    )
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
    chosen = chosen or (rounds[0] if rounds else None)
    rows = queries.voids_in_round(request.user, chosen) if chosen else []
    if request.GET.get("format") in EXPORT_FORMATS and chosen:
        return export_response(
            request.GET["format"],
            "voids",
            ["Unit", "Category", "Recommend", "Why"],
            [[r["unit"], r["category"], r["recommend"], r["reason"]] for r in rows],
        )
    return render(
        request,
        "stakeholders/voids.html",
        {"rounds": rounds, "round": chosen, "rows": rows},
    )
