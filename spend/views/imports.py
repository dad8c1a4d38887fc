"""Spend imports: upload, confirm the column mapping, follow the progress, read the result;
review fuzzy supplier matches; classify unclassified spend; FX rates."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from categories.models import Category
from spend import queries, services
from spend.forms import (
    ClassifyForm,
    MappingForm,
    RatesUploadForm,
    RuleForm,
    UploadForm,
)
from spend.importing.heartbeat import sweep_stalled_jobs
from spend.importing.mapping import FIELDS, propose_mapping
from spend.importing.rates import parse_rates
from spend.importing.reading import UnreadableFile
from spend.importing.storing import (
    ImportRefused,
    choose_sheet,
    refuse_job,
    sample_rows,
    save_upload,
    undo_batch,
)
from spend.models import ClassificationRule, ColumnMapping, ExchangeRate, ImportJob
from suppliers.models import SupplierAlias
from workbench.exports import EXPORT_FORMATS, Column, export_response, export_table
from workbench.permissions import (
    changeable_import_job_for_user,
    import_job_for_user,
    may_change_category,
    may_retry_import,
    may_undo_import,
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
            job = save_upload(upload.read(), Path(upload.name).name, request.user)
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
    for mapping in ColumnMapping.objects.order_by("-updated_at"):
        if mapping.columns and set(mapping.columns.values()) <= set(job.headers):
            spec, name, saved = mapping, mapping.name, True
            break
    else:
        spec = propose_mapping(job.headers, sample_rows(job), settings.BASE_CURRENCY)
        name, saved = Path(job.file_name).stem[:100], False
    return {
        "saved": saved,
        "name": name,
        **{f"column_{f.name}": spec.columns.get(f.name, "") for f in FIELDS},
        "date_format": spec.date_format,
        "decimal_comma": spec.decimal_comma,
        "default_currency": spec.default_currency,
        "create_missing_units": spec.create_missing_units,
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
            "cube_url": cube_url(),
            "may_undo": may_undo_import(request.user, job),
            "may_retry": may_retry_import(request.user, job),
            "errors": job.errors[:100],
        },
    )


def _confirm_mapping(request, job):
    initial = _mapping_initial(job)
    form = MappingForm(job.headers, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.import_job_map(
            job=job,
            by=request.user,
            name=data["name"],
            columns=form.columns(),
            date_format=data["date_format"],
            decimal_comma=data["decimal_comma"],
            default_currency=data["default_currency"],
            create_missing_units=data["create_missing_units"],
            store_valid_rows=data["store_valid_rows"],
        )
        return redirect(job)
    return render(
        request,
        "spend/imports/import_mapping.html",
        {
            "job": job,
            "form": form,
            "saved_mapping": initial["name"] if initial["saved"] else "",
            "headers": job.headers,
            "samples": sample_rows(job, SAMPLE_ROWS),
        },
    )


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


@require_POST
def import_undo(request, pk):
    job = undoable_import_job_for_user(request, pk)
    if job.status != ImportJob.STORED:
        messages.error(request, "Only a stored import can be undone.")
        return redirect(job)
    removed = undo_batch(job)
    messages.success(request, f"Import #{job.pk} undone: {removed} lines removed.")
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
    """Unclassified spend by supplier, largest first. Classifying a supplier here classifies its
    unclassified lines and remembers a supplier rule for the next import."""
    require_importer(request)
    form = ClassifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        category = Category.objects.filter(code=form.cleaned_data["category"].strip()).first()
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
    rows = queries.unclassified_by_supplier()
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(
            export_format, "unclassified-spend", UNCLASSIFIED_COLUMNS, rows.iterator()
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    totals = queries.unclassified_totals()
    categories = Category.objects.order_by("path").only("code", "name", "depth")
    return render(
        request,
        "spend/imports/unclassified.html",
        {
            "page": page,
            "form": form,
            "totals": totals,
            "categories": categories,
            "currency": settings.BASE_CURRENCY,
        },
    )


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
            messages.success(request, f"Rule removed: {rule}.")
        return redirect("spend:classification_rules")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        category = Category.objects.filter(code=data["category"].strip()).first()
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
                messages.success(request, f"Rule saved: {rule}. It applies to the next imports.")
                return redirect("spend:classification_rules")
    rules = queries.rules_in_precedence()
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(export_format, "classification-rules", RULE_COLUMNS, rules)
    return render(
        request,
        "spend/imports/classification_rules.html",
        {"form": form, "rules": rules, "categories": Category.objects.only("code", "name")},
    )
