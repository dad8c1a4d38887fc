"""Spend imports: upload, confirm the column mapping, follow the progress, read the result;
review fuzzy supplier matches; classify unclassified spend; FX rates."""

import csv
import io
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from categories import services as category_services
from categories.models import Category
from spend import queries, services, suggestions
from spend.forms import (
    CategoryValueMapForm,
    ClassifyForm,
    ContractMappingForm,
    MappingForm,
    RatesUploadForm,
    RuleForm,
    UploadForm,
)
from spend.importing.contracts import CONTRACT_FIELDS
from spend.importing.heartbeat import sweep_stalled_jobs
from spend.importing.mapping import FIELDS
from spend.importing.rates import parse_rates
from spend.importing.reading import UnreadableFile
from spend.importing.storing import (
    CONTRACTS,
    ImportRefused,
    category_values_in,
    choose_sheet,
    known_names,
    propose_for,
    refuse_job,
    sample_rows,
    save_upload,
    saved_mapping_for,
    undo_batch,
    undo_preview,
)
from spend.models import ClassificationRule, ExchangeRate, ImportJob, SpendLine
from spend.tasks import classifier_retrain_soon
from spend.views.picker import category_typed
from stakeholders.models import BusinessUnit
from suppliers.models import SupplierAlias
from workbench import params
from workbench.exports import EXPORT_FORMATS, Column, export_response, export_table
from workbench.permissions import (
    changeable_import_job_for_user,
    classifiable_categories,
    import_job_for_user,
    may_change_category,
    may_create_top_level_categories,
    may_retry_import,
    may_undo_import,
    new_categories_parent_for_user,
    parents_for_new_categories,
    require_importer,
    retryable_import_job_for_user,
    undoable_import_job_for_user,
)

SAMPLE_ROWS = 5

# Each table's columns as its export writes them.
IMPORT_COLUMNS = [
    Column("Import", "pk"),
    Column("File", "file_name"),
    Column("Status", lambda job: job.get_status_display()),
    Column("Rows", "rows_total"),
    Column("Lines stored", "lines_stored"),
    Column("Problems", "error_count"),
    Column("By", lambda job: job.created_by.username if job.created_by else ""),
    Column("When", lambda job: job.created_at.replace(tzinfo=None)),
]
MATCH_COLUMNS = [
    Column("Name in file", "name"),
    Column("Matched supplier", lambda alias: alias.supplier.name),
    Column("Score", "score"),
]
UNCLASSIFIED_COLUMNS = [
    Column("Supplier", "supplier__name"),
    Column("Spend", "spend"),
    Column("Lines", "lines"),
]
SUGGESTION_COLUMNS = [
    Column("Supplier", lambda suggestion: suggestion.supplier.name),
    Column("Description", "description"),
    Column("GL account", "gl_account"),
    Column("Lines", "lines"),
    Column("Spend", "spend"),
    Column("Suggested category code", lambda suggestion: suggestion.category.code),
    Column("Suggested category", lambda suggestion: suggestion.category.name),
    Column("From", lambda suggestion: suggestion.get_source_display()),
    Column("Confidence", lambda suggestion: round(suggestion.confidence, 4)),
    Column("Why", lambda suggestion: "; ".join(suggestion.reasons)),
]
# The confidence the "accept every suggestion at least this sure" button starts at.
ACCEPT_AT_LEAST = 90
RATE_COLUMNS = [
    Column("Currency", "currency"),
    Column("Month", lambda rate: rate.month.strftime("%Y-%m")),
    Column("Rate", "rate"),
]
RULE_COLUMNS = [
    Column("Kind", lambda rule: rule.get_kind_display()),
    Column("Supplier", lambda rule: rule.supplier.name if rule.supplier else ""),
    Column("GL account", "gl_account"),
    Column("Keyword", "keyword"),
    Column("Category code", lambda rule: rule.category.code),
    Column("Category", lambda rule: rule.category.name),
]


def cube_url():
    try:
        return reverse("spend:cube")
    except NoReverseMatch:
        return ""


def import_list(request):
    """Upload a file; the imports so far, newest first."""
    require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The uploaded file itself, read in chunks: a gigabyte export is never held whole.
            job = save_upload(
                upload, Path(upload.name).name, request.user, form.cleaned_data["kind"]
            )
        except (UnreadableFile, ImportRefused) as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect(job)
    sweep_stalled_jobs()  # no import shows "Importing" after its worker died
    jobs = ImportJob.objects.select_related("created_by", "batch", "mapping")
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "imports", IMPORT_COLUMNS, jobs)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "spend/imports/import_list.html",
        {
            "form": form,
            "page": page,
            "pending_matches": SupplierAlias.objects.filter(confirmed=False).count(),
        },
    )


def _mapping_initial(job: ImportJob) -> dict:
    """The saved mapping whose columns this file has (the same source), else a proposal."""
    notes = []
    if mapping := saved_mapping_for(job):
        spec, name, saved = mapping, mapping.name, True
    else:
        spec = propose_for(job)
        name, saved, notes = Path(job.file_name).stem[:100], False, spec.problems
    if job.kind == CONTRACTS:
        return {
            "saved": saved,
            "notes": notes,
            "name": name,
            **{f"column_{f.name}": spec.columns.get(f.name, "") for f in CONTRACT_FIELDS},
            "date_format": spec.date_format,
            "decimal_comma": spec.decimal_comma,
        }
    return {
        "saved": saved,
        "notes": notes,
        "name": name,
        **{f"column_{f.name}": spec.columns.get(f.name, "") for f in FIELDS},
        "date_format": spec.date_format,
        "decimal_comma": spec.decimal_comma,
        "default_currency": spec.default_currency,
        "create_missing_units": spec.create_missing_units,
        "default_business_unit": spec.default_business_unit,
        "category_values": getattr(spec, "category_values", {}),
    }


def import_job(request, pk):
    """One import: the mapping step, then its progress, then its result."""
    job = import_job_for_user(request, pk)
    if request.method == "POST":
        job = changeable_import_job_for_user(request, pk)
    if job.status == ImportJob.WAITING_FOR_MAPPING:
        try:
            return _confirm_mapping(request, job)
        except UnreadableFile as refusal:  # a file kept before today's limits, for one
            job = refuse_job(job, str(refusal))
    if not job.finished and sweep_stalled_jobs(job_ids=[job.pk]):
        job.refresh_from_db()
    if request.htmx and request.GET.get("progress"):
        if job.finished:
            return HttpResponseClientRedirect(job.get_absolute_url())
        return render(request, "spend/imports/import_job.html#progress", {"job": job})
    return render(
        request,
        "spend/imports/import_job.html",
        {
            "job": job,
            "cube_url": _batch_cube_url(job),
            "may_undo": may_undo_import(request.user, job),
            "may_retry": may_retry_import(request.user, job),
            "errors": job.errors[:100],
        },
    )


def _confirm_mapping(request, job):
    initial = _mapping_initial(job)
    if job.kind == CONTRACTS:
        form = ContractMappingForm(job.headers, request.POST or None, initial=initial)
    else:
        units = BusinessUnit.objects.order_by("name").values_list("code", "name")
        form = MappingForm(job.headers, request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid() and job.kind == CONTRACTS:
        data = form.cleaned_data
        services.import_job_map(
            job=job,
            by=request.user,
            name=data["name"],
            columns=form.columns(),
            date_format=data["date_format"],
            decimal_comma=data["decimal_comma"],
            default_currency="",
            create_missing_units=False,
            store_valid_rows=data["store_valid_rows"],
        )
        return redirect(job)
    value_map = _value_map_form(request, job, initial)
    if request.method == "POST" and form.is_valid() and value_map.is_valid():
        data = form.cleaned_data
        # The values shown were those of the column proposed; a map for another is no map.
        same_column = request.POST.get("map-column", "") == data["column_category"]
        category_values = value_map.value_map() if same_column else {}
        if same_column and value_map.values_to_create():
            category_values |= category_services.categories_from_file_values(
                values=value_map.values_to_create(),
                parent=new_categories_parent_for_user(request, value_map.new_parent_code()),
                levels=value_map.cleaned_data.get("new_levels", False),
            )
        services.import_job_map(
            category_values=category_values,
            job=job,
            by=request.user,
            name=data["name"],
            columns=form.columns(),
            date_format=data["date_format"],
            decimal_comma=data["decimal_comma"],
            default_currency=data["default_currency"],
            create_missing_units=data["create_missing_units"],
            store_valid_rows=data["store_valid_rows"],
            default_business_unit=data["default_business_unit"],
        )
        return redirect(job)
    return render(
        request,
        "spend/imports/import_mapping.html",
        {
            "job": job,
            "form": form,
            "saved_mapping": initial["name"] if initial["saved"] else "",
            "notes": initial["notes"],
            "value_map": value_map if job.kind != CONTRACTS else None,
            "headers": job.headers,
            "samples": sample_rows(job, SAMPLE_ROWS),
        },
    )


def _value_map_form(request, job, initial) -> CategoryValueMapForm:
    """The file's own classification values that name no category, each to be mapped onto a
    category the person may classify into; the saved mapping's choices first."""
    column = initial.get("column_category", "") if job.kind != CONTRACTS else ""
    known = known_names(Category)
    values = [
        (value, rows)
        for value, rows in (category_values_in(job, column) if column else [])
        if " ".join(value.lower().split()) not in known
    ]
    categories = classifiable_categories(request.user).order_by("code").values_list("code", "name")
    saved = initial.get("category_values", {})
    parents = parents_for_new_categories(request.user).order_by("code")
    form = CategoryValueMapForm(
        values,
        list(categories),
        request.POST or None,
        initial={f"value_{i}": saved.get(value, "") for i, (value, _) in enumerate(values)},
        parents=list(parents.values_list("code", "name")),
        top_level=may_create_top_level_categories(request.user),
    )
    form.column = column
    return form


def import_rejected(request, pk):
    """The rejected rows with what is wrong with each, as CSV or Excel, to correct and re-upload."""
    job = import_job_for_user(request, pk)
    if not job.rejected_rows:
        raise Http404("This import rejected no rows.")
    rows = list(csv.reader(io.StringIO(job.rejected_rows)))
    export_format = request.GET.get("format", "csv")
    if export_format not in EXPORT_FORMATS:
        export_format = "csv"
    return export_response(export_format, f"rejected-rows-{job.pk}", rows[0], rows[1:])


@require_POST
def import_sheet(request, pk):
    """Read another sheet of the uploaded workbook before its columns are mapped."""
    job = changeable_import_job_for_user(request, pk)
    sheet = request.POST.get("sheet", "")
    if job.status != ImportJob.WAITING_FOR_MAPPING or sheet not in job.sheets:
        messages.error(request, "Choose one of the workbook's sheets before mapping its columns.")
        return redirect(job)
    try:
        choose_sheet(job, sheet)
    except UnreadableFile as refusal:
        messages.error(request, str(refusal))
    return redirect(job)


@require_POST
def import_store_valid(request, pk):
    """The explicit choice: store the valid rows of a refused file, keep the rejected ones."""
    job = changeable_import_job_for_user(request, pk)
    if job.status != ImportJob.REJECTED or not job.error_count or job.mapping is None:
        messages.error(request, "Only a file refused for row errors can store its valid rows.")
        return redirect(job)
    services.import_job_store_valid_rows(job=job)
    return redirect(job)


def _batch_cube_url(job: ImportJob) -> str:
    """The spend cube over the months the job's lines fall in (a file of 2020 lies outside the
    cube's default twelve months)."""
    url = cube_url()
    if not url or job.batch_id is None:
        return url
    window = SpendLine.objects.filter(import_batch_id=job.batch_id).aggregate(
        first=Min("date"), last=Max("date")
    )
    if window["first"] is None:
        return url
    months = {"start": f"{window['first']:%Y-%m}", "end": f"{window['last']:%Y-%m}"}
    return f"{url}?{urlencode(months)}"


def import_undo(request, pk):
    """Undo a stored import, after a page that says what goes with it: its lines, and the
    suppliers, business units and supplier matches it created that nothing else uses."""
    job = undoable_import_job_for_user(request, pk)
    if job.status != ImportJob.STORED:
        messages.error(request, "Only a stored import can be undone.")
        return redirect(job)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request, "spend/imports/import_undo.html", {"job": job, "undo": undo_preview(job)}
        )
    undo_batch(job)
    job.refresh_from_db()
    messages.success(request, f"Import #{job.pk}: {job.message}")
    return redirect(job)


@require_POST
def import_retry(request, pk):
    """Queue a failed import again from the file kept on the server, with its mapping."""
    job = retryable_import_job_for_user(request, pk)
    try:
        services.import_job_retry(job=job)
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(job)


def supplier_matches(request):
    """Fuzzy supplier matches waiting for a person: confirm (the spelling stays an alias) or
    split (the spelling becomes a supplier of its own, taking its lines with it)."""
    require_importer(request)
    if request.method == "POST":
        alias = get_object_or_404(SupplierAlias, pk=request.POST.get("alias"), confirmed=False)
        if request.POST.get("action") == "split":
            services.supplier_alias_split(alias=alias)
            messages.success(request, f"{alias.name} is now a supplier of its own.")
        else:
            services.supplier_alias_confirm(alias=alias)
            messages.success(request, f"{alias.name} confirmed as {alias.supplier.name}.")
        return redirect("spend:supplier_matches")
    pending = (
        SupplierAlias.objects.filter(confirmed=False)
        .select_related("supplier")
        .order_by("score", "name")
    )
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(export_format, "supplier-matches", MATCH_COLUMNS, pending)
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "spend/imports/supplier_matches.html", {"page": page})


def unclassified(request):
    """Unclassified spend: the suggested categories (a rule made since the import, else the
    classifier's), most spend times confidence first, to accept in bulk; and the spend by
    supplier, to classify by hand. Classifying a supplier classifies its unclassified lines
    and remembers a supplier rule for the next import."""
    require_importer(request)
    if request.method == "POST" and "accept" in request.POST:
        return _accept_suggestions(request)
    form = ClassifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = category_typed(form.cleaned_data["category"])
        supplier_ids = [int(pk) for pk in request.POST.getlist("supplier") if pk.isdigit()]
        if category is None:
            form.add_error("category", "No category has this code.")
        elif not may_change_category(request.user, category):
            form.add_error("category", "You may classify only into categories you own.")
        elif not supplier_ids:
            form.add_error(None, "Tick at least one supplier.")
        else:
            try:
                changed = services.spend_classify(
                    category=category, supplier_ids=supplier_ids, by=request.user
                )
            except ValidationError as refusal:
                form.add_error(None, refusal.messages)
            else:
                messages.success(
                    request,
                    f"{changed} lines of {len(supplier_ids)} supplier(s) classified as "
                    f"{category}; the next imports will do the same.",
                )
                return redirect("spend:unclassified")
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS and request.GET.get("table") == "suggestions":
        return export_table(
            export_format,
            "suggested-categories",
            SUGGESTION_COLUMNS,
            suggestions.suggestion_queue().iterator(),
        )
    rows = queries.unclassified_by_supplier()
    if export_format in EXPORT_FORMATS:
        return export_table(
            export_format, "unclassified-spend", UNCLASSIFIED_COLUMNS, rows.iterator()
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    queue = Paginator(suggestions.suggestion_queue(), 25).get_page(
        request.GET.get("suggestions_page")
    )
    typed = form["category"].value() or ""
    return render(
        request,
        "spend/imports/unclassified.html",
        {
            "page": page,
            "queue": queue,
            "queue_totals": suggestions.queue_totals(),
            "acceptable": set(
                classifiable_categories(request.user)
                .filter(pk__in={s.category_id for s in queue})
                .values_list("pk", flat=True)
            ),
            "training": suggestions.latest_training(),
            "learning_now": suggestions.learning_now(),
            "at_least": ACCEPT_AT_LEAST,
            "form": form,
            "totals": queries.unclassified_totals(),
            "picker_value": typed,
            "picker_chosen": category_typed(typed),
            "currency": settings.BASE_CURRENCY,
        },
    )


def _accept_suggestions(request):
    """Accept the ticked suggestions, or every one at or above a confidence; only those into
    categories the person may classify into are accepted (the rest are counted)."""
    if request.POST["accept"] == "confident":
        try:
            at_least = min(100, max(50, int(request.POST.get("at_least", ""))))
        except ValueError:
            at_least = ACCEPT_AT_LEAST
        chosen = suggestions.suggestion_queue().filter(
            confidence__gte=at_least / 100,
            category__in=classifiable_categories(request.user),
        )
    else:
        ticked = [int(pk) for pk in request.POST.getlist("suggestion") if pk.isdigit()]
        chosen = suggestions.suggestion_queue().filter(pk__in=ticked)
    result = suggestions.classification_suggestions_accept(suggestions=chosen, by=request.user)
    if not result["accepted"] and not result["refused"]:
        messages.error(request, "No suggestion was chosen (tick some, or lower the confidence).")
    else:
        messages.success(
            request,
            f"{result['accepted']} suggestion(s) accepted: {result['lines']} lines classified. "
            "The model learns from them in the background."
            + (
                f" {result['refused']} suggestion(s) into categories you do not own were left "
                "for their owners."
                if result["refused"]
                else ""
            ),
        )
    return redirect("spend:unclassified")


def exchange_rates(request):
    """Monthly FX rates used to convert imported lines to the base currency."""
    require_importer(request)
    form = RatesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rates, errors = parse_rates(form.cleaned_data["file"].read(), settings.BASE_CURRENCY)
        if errors:
            for row, problem in errors[:20]:
                form.add_error("file", f"Row {row}: {problem}")
        else:
            services.exchange_rates_save(rates=rates)
            messages.success(request, f"{len(rates)} monthly rates saved.")
            return redirect("spend:exchange_rates")
    rates = ExchangeRate.objects.order_by("-month", "currency")
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(export_format, "fx-rates", RATE_COLUMNS, rates)
    page = Paginator(rates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "spend/imports/exchange_rates.html",
        {"form": form, "page": page, "base_currency": settings.BASE_CURRENCY},
    )


def classification_rules(request):
    """The rules that classify imported lines, in their order of precedence; GL-account and
    keyword rules are added here (supplier rules on the unclassified-spend page)."""
    require_importer(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and request.POST.get("delete"):
        rule = get_object_or_404(
            ClassificationRule.objects.select_related("category"), pk=request.POST["delete"]
        )
        try:
            services.classification_rule_delete(rule=rule, by=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            classifier_retrain_soon()  # its suggestions go
            messages.success(request, f"Rule removed: {rule}.")
        return redirect("spend:classification_rules")
    if request.method == "POST" and request.POST.get("restore"):
        removal = get_object_or_404(
            ClassificationRule.history.filter(history_type="-"),
            history_id=params.record_id(request.POST, "restore"),
        )
        try:
            rule = services.classification_rule_restore(removal=removal, by=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            classifier_retrain_soon()  # its suggestions come back
            messages.success(request, f"Rule put back: {rule}.")
        return redirect("spend:classification_rules")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        category = category_typed(data["category"])
        if category is None:
            form.add_error("category", "No category has this code.")
        elif not may_change_category(request.user, category):
            form.add_error("category", "You may add rules only for categories you own.")
        else:
            try:
                rule = services.classification_rule_save(
                    kind=data["kind"], value=data["value"], category=category, by=request.user
                )
            except ValidationError as refusal:
                form.add_error("value", refusal.messages)
            else:
                # Rules win over the model: the lines already imported that the rule fits
                # come back as its suggestions, to accept on the unclassified-spend page.
                classifier_retrain_soon()
                messages.success(
                    request,
                    f"Rule saved: {rule}. It applies to the next imports; the unclassified "
                    "lines it fits are suggested for it on the unclassified-spend page.",
                )
                return redirect("spend:classification_rules")
    rules = queries.rules_in_precedence()
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(export_format, "classification-rules", RULE_COLUMNS, rules)
    typed = form["category"].value() or ""
    return render(
        request,
        "spend/imports/classification_rules.html",
        {
            "form": form,
            "rules": rules,
            "picker_value": typed,
            "picker_chosen": category_typed(typed),
            "changes": queries.classification_rule_changes(),
            "removed": queries.removed_classification_rules(),
        },
    )
