"""Satisfaction surveys: the CPO opens a round, unit leads answer per category, procurement
reads the results (NPS, importance-performance, weighted gaps, trends, comments) and voids."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stakeholders import charts, queries, satisfaction, services, you_said
from stakeholders.forms import ResponseForm, RoundForm
from stakeholders.models import SurveyResponse, ValueDriver
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    editable_unit_for_user,
    may_read_results,
    reads_every_answer,
    require_results_reader,
    require_round_organiser,
    round_for_user,
    sees_who_answered,
)


def _today():
    return timezone.localdate()


def round_list(request):
    """Every round for procurement, with how far answers have got; a unit lead sees the rounds
    that ask their unit. Newest first, so the open round leads."""
    rows = queries.rounds_with_progress(request.user, _today())
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_table(request.GET["format"], "survey-rounds", queries.ROUND_COLUMNS, rows)
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
        survey_round = services.survey_round_open(form=form, by=request.user)
        messages.success(request, f"{survey_round.name} is set up.")
        return redirect(survey_round)
    return render(request, "stakeholders/round_form.html", {"form": form})


@require_POST
def round_close(request, pk):
    """The CPO or an administrator closes an open round before its date."""
    require_round_organiser(request)
    survey_round = round_for_user(request, pk)
    services.survey_round_close(survey_round=survey_round, by=request.user, today=_today())
    messages.success(request, f"{survey_round.name} is closed: answers are locked.")
    return redirect(survey_round)


def round_detail(request, pk):
    """For a unit lead, their to-do list in this round; for procurement, who has not answered.
    In an anonymous round only those who read every answer see which units have not answered;
    other procurement readers see how many per category, since the names beside the results
    would say who answered."""
    survey_round = round_for_user(request, pk)
    today = _today()
    follows_up = may_read_results(request.user)
    mine = queries.answer_states(survey_round, survey_round.units.filter(leads=request.user))
    context = {
        "round": survey_round,
        "open": survey_round.is_open(today),
        "closed": today > survey_round.closes_on,
        "todo": mine,
        "procurement": follows_up,
        "may_close": survey_round.is_open(today) and reads_every_answer(request.user),
    }
    if follows_up:
        everyone = queries.answer_states(survey_round, survey_round.units.prefetch_related("leads"))
        outstanding = [row for row in everyone if row["state"] != "submitted"]
        names_units = sees_who_answered(request.user, survey_round)
        if names_units:
            columns, rows = queries.NOT_ANSWERED_COLUMNS, outstanding
        else:
            columns, rows = (
                queries.NOT_ANSWERED_COUNT_COLUMNS,
                queries.not_answered_by_category(everyone),
            )
        if request.GET.get("format") in EXPORT_FORMATS:
            return export_table(
                request.GET["format"], f"not-answered-{survey_round.pk}", columns, rows
            )
        context.update(
            names_units=names_units,
            outstanding=outstanding if names_units else [],
            outstanding_count=len(outstanding),
            by_category=[] if names_units else rows,
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
    form = ResponseForm(
        drivers,
        None if locked or request.method != "POST" else request.POST,
        initial=ResponseForm.initial_from(response),
        submitting=submitting,
    )
    if locked:
        for field in form.fields.values():
            field.disabled = True
    elif request.method == "POST" and form.is_valid():
        services.survey_response_save(
            survey_round=survey_round,
            unit=unit,
            category=category,
            response=response,
            recommend=form.cleaned_data["recommend"],
            comment=form.cleaned_data["comment"],
            ratings=form.ratings(),
            by=request.user,
            submitting=submitting,
        )
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
            "promised": you_said.promised_before(request.user, unit, category, survey_round),
        },
    )


# --- Results -----------------------------------------------------------------------------------


def round_results(request, pk):
    """NPS overall, by unit and by category; importance-performance; weighted gaps; trend across
    rounds; searchable comments. A category manager reads their own categories; in an anonymous
    round they see what stakeholders.disclosure lets through and no unit names."""
    require_results_reader(request)
    survey_round = round_for_user(request, pk)
    results = queries.RoundResults(request.user, survey_round)
    query = request.GET.get("q", "").strip()
    export = request.GET.get("format")
    if export in EXPORT_FORMATS:
        return _export_results(export, results, request.GET.get("table"), query)
    context = {
        "round": survey_round,
        "anonymous": results.anonymous,
        "comments": results.comments(query),
        "query": query,
    }
    if request.htmx and request.GET.get("q") is not None:
        # The comment search swaps the comments alone: no figures or charts to work out.
        return render(request, "stakeholders/round_results.html#comments", context)
    drivers, trend, driver_trend = results.drivers, results.nps_trend, results.driver_trend
    context.update(
        min_respondents=satisfaction.MIN_RESPONDENTS,
        overall=results.overall,
        by_category=results.by_category,
        by_unit=results.by_unit,
        ranked=results.ranked,
        ip_chart=_chart(
            charts.importance_performance(drivers),
            charts.importance_performance_text(drivers),
            f"Importance against satisfaction per value driver, {survey_round.name}",
            460,
        )
        if drivers
        else None,
        trend_chart=_chart(
            charts.nps_trend(trend), charts.nps_trend_text(trend), "Procurement NPS by round", 300
        )
        if trend
        else None,
        driver_trend=driver_trend,
        loop=you_said.change_in_round(request.user, survey_round),
        driver_trend_chart=_chart(
            charts.satisfaction_trend(driver_trend),
            charts.satisfaction_trend_text(driver_trend),
            "Mean satisfaction per value driver across rounds",
            340,
        )
        if len({row["round"] for row in driver_trend}) > 1
        else None,
    )
    return render(request, "stakeholders/round_results.html", context)


def _chart(figure, text: tuple, name: str, height: int) -> str:
    """A results chart as a named figure, from the same rows as its summary and table: the
    rows RoundResults already cut to what this reader may see."""
    summary, table = text
    return figure_html(figure, height=height, name=name, summary=summary, table=table)


def _export_results(export, results, table, query):
    """One of the results tables as a file: drivers (default), nps or comments."""
    name = f"results-{results.survey_round.pk}"
    if table == "nps":
        return export_table(export, f"{name}-nps", queries.NPS_COLUMNS, results.nps_rows())
    if table == "comments":
        return export_table(
            export,
            f"{name}-comments",
            queries.comment_columns(results.anonymous),
            results.comments(query),
        )
    return export_table(export, f"{name}-drivers", queries.DRIVER_COLUMNS, results.ranked)


# --- Voids -------------------------------------------------------------------------------------


def voids(request):
    """Unit x category pairs where the unit is a detractor, or is unhappy (satisfaction <= 2)
    on the driver it weights highest: where someone else will step in if procurement does not."""
    require_results_reader(request)
    rounds = list(queries.rounds_with_answers(request.user))
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
    chosen = chosen or (rounds[0] if rounds else None)
    rows = queries.voids_in_round(request.user, chosen) if chosen else []
    if request.GET.get("format") in EXPORT_FORMATS and chosen:
        return export_table(request.GET["format"], "voids", queries.VOID_COLUMNS, rows)
    return render(
        request,
        "stakeholders/voids.html",
        {
            "rounds": rounds,
            "round": chosen,
            "rows": rows,
            "anonymous": chosen is not None and not sees_who_answered(request.user, chosen),
            "min_respondents": satisfaction.MIN_RESPONDENTS,
        },
    )
