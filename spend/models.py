"""Spend as the ledger paid it: the lines, the imports that brought them in, the rules and
rates that classify and convert them, the monthly summary the cube reads, and the category
owners' own Kraljic scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from categories.models import Category
from workbench.corrections import Correctable


class ImportBatch(models.Model):
    """One file (or generator run) that brought spend lines in; undoing it removes exactly them."""

    source = models.CharField(max_length=200, help_text="File name or generator.")
    content_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    line_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "categories_importbatch"
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.source} ({self.line_count:,} lines)"


class SpendLine(models.Model):
    """One invoice or payment line, in the base currency with the original amount kept."""

    date = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, help_text="Base currency.")
    original_amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of the original amount.")
    # No index of their own for these three keys: each leads an index of Meta.indexes (with
    # the date), which serves every lookup by the key alone, and a million-line import would
    # otherwise keep or rebuild three more indexes for nothing.
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="spend_lines",
        db_index=False,
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spend_lines",
        help_text="Empty while the line is unclassified.",
        db_index=False,
    )
    business_unit = models.ForeignKey(
        "stakeholders.BusinessUnit",
        on_delete=models.PROTECT,
        related_name="spend_lines",
        db_index=False,
    )
    description = models.CharField(max_length=500, blank=True)
    document_reference = models.CharField(max_length=100, blank=True)
    # Database defaults, so bulk writers that name only the core columns (load_demo) still work.
    gl_account = models.CharField(
        "GL account",
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text="The ledger code the invoice was booked to.",
    )
    supplier_name_in_file = models.CharField(
        max_length=255,
        blank=True,
        default="",
        db_default="",
        help_text="The supplier as the imported file spelled it.",
    )
    # On PostgreSQL the lines are partitioned by batch (spend.partitions): a batch's
    # lines are its own table, so no index is needed to find or remove them.
    import_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )

    class Meta:
        db_table = "categories_spendline"
        # The cube's sums come from SpendSummary; these serve the lists of lines behind a
        # figure: by category (the usual drill-down, and the order an import stores lines in),
        # by supplier, and by period alone. Every index is built again for each imported
        # batch, so there is none by business unit: unit figures come from the summary and a
        # unit's lines are found through the category or the date.
        indexes = [
            models.Index(fields=["category", "date"], name="spend_category_date"),
            models.Index(fields=["supplier", "date"], name="spend_supplier_date"),
            models.Index(fields=["date"], name="spend_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.amount} {self.supplier_id}"


class ColumnMapping(models.Model):
    """Which column of a source's file holds which spend field, confirmed once and reused for the
    next file from the same source (e.g. "Bradford AP export")."""

    DATE_FORMATS = [
        ("iso", "ISO (2026-01-31)"),
        ("day_first", "Day first (31/01/2026)"),
        ("month_first", "Month first (01/31/2026)"),
        ("excel", "Excel serial number (46053)"),
    ]
    name = models.CharField(max_length=100, unique=True)
    columns = models.JSONField(default=dict, help_text="Spend field → column header in the file.")
    date_format = models.CharField(max_length=20, choices=DATE_FORMATS, default="iso")
    decimal_comma = models.BooleanField(
        default=False, help_text='Amounts are written "1.234,56" (comma before the decimals).'
    )
    default_currency = models.CharField(
        max_length=3,
        blank=True,
        help_text="Currency of lines when the file has no currency column.",
    )
    create_missing_units = models.BooleanField(
        default=False,
        help_text="Create a business unit for each unit name the file uses that does not "
        "exist yet.",
    )
    # The file's own classification (a "LEVEL1.LEVEL2" procurement class, a ProClass code)
    # mapped onto the workbench's categories: value as the file writes it → category code.
    category_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="The file's category values → category code, for values that are not one.",
    )
    SPEND_LINES, CONTRACTS = "spend", "contracts"
    KINDS = [(SPEND_LINES, "Spend lines"), (CONTRACTS, "Contracts register")]
    kind = models.CharField(max_length=20, choices=KINDS, default=SPEND_LINES)
    default_business_unit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Code of the business unit of every line when the file has no unit column "
        "(and of lines whose unit cell is empty).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "categories_columnmapping"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """How many units of the base currency one unit of `currency` was worth in a month."""

    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="First day of the month the rate applies to.")
    rate = models.DecimalField(max_digits=18, decimal_places=8)

    class Meta:
        db_table = "categories_exchangerate"
        ordering = ["currency", "month"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="one_rate_per_month")
        ]

    def __str__(self):
        return f"{self.currency} {self.month:%Y-%m} {self.rate}"


class ClassificationRule(models.Model):
    """Gives a category to an imported line that does not name one. Precedence, strongest first:
    supplier, then GL account, then a keyword in the description (see PRECEDENCE)."""

    SUPPLIER = "supplier"
    GL_ACCOUNT = "gl_account"
    KEYWORD = "keyword"
    KINDS = [
        (SUPPLIER, "Supplier"),
        (GL_ACCOUNT, "GL account"),
        (KEYWORD, "Keyword in description"),
    ]
    # A supplier rule is a manager's decision about one company; a GL account is the finance
    # team's booking, broader; a keyword is the weakest guess.
    PRECEDENCE = (SUPPLIER, GL_ACCOUNT, KEYWORD)
    # The reason written in a rule's history when a person removes it on the rules page (not
    # when a supplier merge sets it aside): those removals can be undone.
    REMOVED_ON_RULES_PAGE = "Removed on the rules page"

    kind = models.CharField(max_length=20, choices=KINDS)
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="classification_rules",
    )
    gl_account = models.CharField("GL account", max_length=40, blank=True)
    keyword = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who pointed a rule at which category, and removed it, stays on record; a removal made
    # on the rules page can be undone from it.
    history = HistoricalRecords()

    class Meta:
        db_table = "categories_classificationrule"
        ordering = ["kind", "keyword", "gl_account"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=models.Q(kind="supplier"),
                name="one_rule_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["gl_account"],
                condition=models.Q(kind="gl_account"),
                name="one_rule_per_gl_account",
            ),
        ]

    def __str__(self):
        target = {
            self.SUPPLIER: lambda: str(self.supplier),
            self.GL_ACCOUNT: lambda: self.gl_account,
            self.KEYWORD: lambda: repr(self.keyword),
        }[self.kind]()
        return f"{self.get_kind_display()} {target} → {self.category.code}"


class ImportJob(models.Model):
    """One uploaded file on its way in: kept in the imports storage while it waits (its name
    there in `stored_path`, spend/importing/files.py), run in the background, and after it the
    lines' batch, the rejected rows and what the import created."""

    WAITING_FOR_MAPPING = "mapping"
    QUEUED = "queued"
    RUNNING = "running"
    STORED = "stored"
    REJECTED = "rejected"
    FAILED = "failed"
    UNDONE = "undone"
    STATUSES = [
        (WAITING_FOR_MAPPING, "Waiting for the column mapping"),
        (QUEUED, "Queued"),
        (RUNNING, "Importing"),
        (STORED, "Stored"),
        # Refused for rows with errors, or as a whole (no lines, already imported, too large):
        # the job's message says which.
        (REJECTED, "Refused"),
        (FAILED, "Failed"),
        (UNDONE, "Undone"),
    ]
    FINISHED = frozenset({STORED, REJECTED, FAILED, UNDONE})

    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    content_hash = models.CharField(max_length=64, db_index=True)
    headers = models.JSONField(default=list)
    sheets = models.JSONField(default=list, blank=True, help_text="A workbook's sheets.")
    sheet = models.CharField(max_length=31, blank=True, help_text="The workbook's sheet read.")
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    store_valid_rows = models.BooleanField(
        default=False, help_text="Store the valid rows and keep the rejected ones for download."
    )
    # What the file holds: spend lines, or a register of contracts (ColumnMapping.KINDS).
    kind = models.CharField(max_length=20, default="spend")
    # The command line says for each run whether missing units are made, whatever the saved
    # mapping says: a unit is never created unless the person running it asked.
    create_missing_units = models.BooleanField(
        null=True, blank=True, help_text="Empty: as the mapping says."
    )
    status = models.CharField(max_length=20, choices=STATUSES, default=WAITING_FOR_MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    lines_stored = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="Row, column, value, what is wrong.")
    error_count = models.PositiveIntegerField(default=0)
    rejected_rows = models.TextField(blank=True, help_text="The rejected rows as CSV.")
    summary = models.JSONField(default=dict)
    message = models.TextField(blank=True)
    batch = models.OneToOneField(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's sign of life while it runs the job (and the time it was queued before): a
    # job whose heartbeat stops is failed by `spend.importing.sweeping` and may be retried.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker began the job.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The queued task's id.")

    class Meta:
        db_table = "categories_importjob"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("spend:import_job", args=[self.pk])

    @property
    def finished(self):
        return self.status in self.FINISHED

    @property
    def percent_done(self):
        if self.status in (self.STORED, self.UNDONE):
            return 100
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class SpendSummary(models.Model):
    """Spend lines summed by month, category, business unit and supplier: the spend cube reads
    these few tens of thousands of rows instead of millions of lines. Rebuilt by
    `spend.summary.refresh_spend_summary()` whenever lines are imported, undone or
    reclassified."""

    month = models.DateField(help_text="First day of the month.")
    # Derived from the lines, whose own foreign keys hold the references true, and rebuilt
    # from them at will: no database-side checks, which would cost an import one lookup per
    # key per summary row at commit. Deleting a category, unit or supplier still cascades
    # here (Django's on_delete).
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    business_unit = models.ForeignKey(
        "stakeholders.BusinessUnit", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    spend = models.DecimalField(max_digits=18, decimal_places=2)
    lines = models.PositiveIntegerField()

    class Meta:
        db_table = "categories_spendsummary"
        verbose_name_plural = "spend summaries"
        indexes = [models.Index(fields=["month"], name="spend_summary_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category_id} {self.business_unit_id} {self.spend}"


class KraljicAssessment(Correctable):
    """The category owner's own profit-impact and supply-risk scores, replacing the ones the
    data suggests. Every change is a new row, so who changed what, when and why stays on
    record; the latest row not withdrawn is the one in force (withdrawing one, undoably, puts
    the one before it, or the data's suggestion, back)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="kraljic_assessments"
    )
    profit_impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (little effect on profit) to 5 (a large share of cost or of the product).",
    )
    supply_risk = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (many suppliers, easy to switch) to 5 (a sole source, scarce market).",
    )
    reason = models.TextField(help_text="Why the data's suggestion does not tell the whole story.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "categories_kraljicassessment"
        ordering = ["-set_at", "-pk"]
        get_latest_by = ["set_at", "pk"]

    def __str__(self):
        return f"{self.category.code}: impact {self.profit_impact}, risk {self.supply_risk}"


class ClassifierTraining(models.Model):
    """One training of the classifier on the lines classified so far (spend.learning), run in
    the background after imports and classifications; its suggestions replace the last
    training's. The trained model itself is not kept: it is relearnt in seconds, and a pickled
    model read back from the database would run whatever code it held."""

    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    STATUSES = [
        (RUNNING, "Learning"),
        (DONE, "Done"),
        (SKIPPED, "Nothing to learn from"),
        (FAILED, "Failed"),
    ]
    status = models.CharField(max_length=20, choices=STATUSES, default=RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lines_learnt = models.PositiveIntegerField(default=0, help_text="Classified lines.")
    texts_learnt = models.PositiveIntegerField(
        default=0, help_text="Distinct supplier, description and GL account among them."
    )
    categories_learnt = models.PositiveIntegerField(default=0)
    suggestions = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = ["started_at", "pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ClassificationSuggestion(models.Model):
    """A category proposed for the unclassified lines that share a supplier, a description and
    a GL account: by a classification rule made since they were imported (rules win), or else
    by the classifier, with its confidence and the words that weighed most. Accepting it
    classifies those lines."""

    RULE = "rule"
    MODEL = "model"
    SOURCES = [(RULE, "Rule"), (MODEL, "Learnt")]

    training = models.ForeignKey(
        ClassifierTraining, on_delete=models.CASCADE, related_name="suggestion_rows"
    )
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="+")
    description = models.CharField(max_length=500, blank=True)
    gl_account = models.CharField("GL account", max_length=40, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=SOURCES)
    confidence = models.FloatField(help_text="0 to 1; a rule's is 1.")
    reasons = models.JSONField(
        default=list, blank=True, help_text="The strongest words, or the rule that decided."
    )
    alternatives = models.JSONField(
        default=list, blank=True, help_text="The runners-up: code, name and confidence."
    )
    lines = models.PositiveIntegerField()
    spend = models.DecimalField(max_digits=18, decimal_places=2)
    weighted_spend = models.FloatField(help_text="Spend times confidence: the queue's order.")

    class Meta:
        ordering = ["-weighted_spend", "pk"]
        indexes = [models.Index(fields=["-weighted_spend", "id"], name="suggestion_queue_order")]

    def __str__(self):
        return f"{self.supplier_id} {self.description[:40]} → {self.category_id}"
