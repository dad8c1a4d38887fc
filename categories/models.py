from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

PATH_SEPARATOR = "/"


class Category(models.Model):
    """A node of the spend taxonomy. `path` holds the codes from the root down, so a subtree is
    one indexed prefix match instead of a recursive query."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_categories",
        help_text="The category manager who runs this category.",
    )
    description = models.TextField(
        blank=True, help_text="Scope: what is and is not bought under this category."
    )
    path = models.CharField(max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if PATH_SEPARATOR in self.code:
            raise ValidationError({"code": f"A code may not contain {PATH_SEPARATOR!r}."})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "A category cannot sit under itself."})
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old_path = Category.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        parent_path = self.parent.path if self.parent_id else PATH_SEPARATOR
        self.path = f"{parent_path}{self.code}{PATH_SEPARATOR}"
        self.depth = self.path.count(PATH_SEPARATOR) - 2
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A renamed or moved node carries its subtree along.
            for child in Category.objects.filter(parent=self):
                child.save()

    def get_absolute_url(self):
        return reverse("categories:detail", args=[self.code])

    def subtree(self):
        return Category.objects.filter(path__startswith=self.path)


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
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.source} ({self.line_count} lines)"


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
    # On PostgreSQL the lines are partitioned by batch (categories.partitions): a batch's
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


# --- Importing spend ---------------------------------------------------------------------------


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """How many units of the base currency one unit of `currency` was worth in a month."""

    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="First day of the month the rate applies to.")
    rate = models.DecimalField(max_digits=18, decimal_places=8)

    class Meta:
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

    class Meta:
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
    """One uploaded file on its way in: kept on disk under var/imports while it waits, run in the
    background, and after it the lines' batch, the rejected rows and what the import created."""

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
        (REJECTED, "Refused: rows with errors"),
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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("categories:import_job", args=[self.pk])

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
    `categories.summary.refresh_spend_summary()` whenever lines are imported, undone or
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
        verbose_name_plural = "spend summaries"
        indexes = [models.Index(fields=["month"], name="spend_summary_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category_id} {self.business_unit_id} {self.spend}"


class KraljicAssessment(models.Model):
    """The category owner's own profit-impact and supply-risk scores, replacing the ones the
    data suggests. Every change is a new row, so who changed what, when and why stays on
    record; the latest row is the one in force."""

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

    class Meta:
        ordering = ["-set_at", "-pk"]
        get_latest_by = ["set_at", "pk"]

    def __str__(self):
        return f"{self.category.code}: impact {self.profit_impact}, risk {self.supply_risk}"


# --- Category plans and initiatives (issue 5) --------------------------------------------------
# The arithmetic (alignment, conflicts, ranking, pipeline, proration) lives in
# categories/plans.py and categories/savings.py; these rows only hold what people decided.


class CategoryPlan(models.Model):
    """A category's plan for one fiscal year: objectives and initiatives, endorsed by the units it
    affects and approved by the CPO. `version` counts saves (a stale form is refused);
    `revision` counts approved editions (an edit after approval opens the next one)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    ACTIVE = "active"
    CLOSED = "closed"
    STATUSES = [
        (DRAFT, "Draft"),
        (IN_REVIEW, "In review"),
        (APPROVED, "Approved"),
        (ACTIVE, "Active"),
        (CLOSED, "Closed"),
    ]

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="plans")
    fiscal_year = models.PositiveSmallIntegerField(
        help_text="The year the plan runs (fiscal years follow the calendar year)."
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="The plan's direction in a few sentences.")
    status = models.CharField(max_length=20, choices=STATUSES, default=DRAFT)
    target_hard_savings = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    target_cost_avoidance = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    target_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    savings_weight = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="α: how much savings count against value alignment in the ranking (0..1).",
    )
    conflict_threshold = models.FloatField(
        default=0.20,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="A driver an affected unit weights at or above this is one it would miss.",
    )
    version = models.PositiveIntegerField(default=1)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-fiscal_year", "category__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "fiscal_year"], name="one_plan_per_category_year"
            )
        ]

    def __str__(self):
        return f"{self.category.code} {self.fiscal_year}: {self.title}"

    def get_absolute_url(self):
        return reverse("categories:plan_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status in (self.APPROVED, self.ACTIVE, self.CLOSED)


class PlanObjective(models.Model):
    plan = models.ForeignKey(CategoryPlan, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField(max_length=300)
    measure = models.CharField(
        max_length=200, blank=True, help_text="How we will know, e.g. OTIF ≥ 98%."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class StageProbability(models.Model):
    """How likely an initiative at a stage is to deliver: the risk-adjusted pipeline multiplies
    each initiative's expected value by its stage's probability. A stage with no row uses
    `categories.savings.DEFAULT_STAGE_PROBABILITIES`."""

    stage = models.CharField(max_length=20, unique=True)
    probability = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        verbose_name_plural = "stage probabilities"

    def __str__(self):
        return f"{self.stage}: {self.probability:.0%}"


class Initiative(models.Model):
    """One lever pulled in a plan. Hard savings, cost avoidance and revenue stay apart: they
    are different money and finance reads them differently."""

    LEVERS = [
        ("tender", "Competitive tender"),
        ("renegotiation", "Renegotiation"),
        ("demand", "Demand management"),
        ("specification", "Specification change or value engineering"),
        ("consolidation", "Supplier consolidation"),
        ("development", "Supplier development"),
        ("innovation", "Innovation with suppliers"),
        ("process", "Process or digitisation"),
        ("risk", "Risk mitigation"),
        ("revenue", "New revenue from an internal capability"),
    ]
    IDEA = "idea"
    VALIDATED = "validated"
    APPROVED = "approved"
    CONTRACTED = "contracted"
    REALISED = "realised"
    CANCELLED = "cancelled"
    STAGES = [
        (IDEA, "Idea"),
        (VALIDATED, "Validated"),
        (APPROVED, "Approved"),
        (CONTRACTED, "Contracted"),
        (REALISED, "Realised"),
        (CANCELLED, "Cancelled"),
    ]
    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    plan = models.ForeignKey(CategoryPlan, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lever = models.CharField(max_length=20, choices=LEVERS)
    hard_savings = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, help_text="Lower cost against the baseline."
    )
    cost_avoidance = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, help_text="A rise that will not happen."
    )
    revenue = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, help_text="New income, not a saving."
    )
    one_off_cost = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    spend_affected = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=0,
        help_text="The annual spend the initiative touches.",
    )
    start = models.DateField()
    end = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    effort = models.PositiveSmallIntegerField(default=3, validators=SCALE)
    risk = models.PositiveSmallIntegerField(default=3, validators=SCALE)
    stage = models.CharField(max_length=20, choices=STAGES, default=IDEA)
    cancel_reason = models.TextField(blank=True)
    affected_units = models.ManyToManyField(
        "stakeholders.BusinessUnit", blank=True, related_name="initiatives"
    )
    # Where the initiative came from, when it started from the supplier side.
    source_contract = models.ForeignKey(
        "suppliers.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    source_idea = models.ForeignKey(
        "suppliers.SupplierIdea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end comes before the start."})
        if self.stage == self.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": "Say why the initiative was cancelled."})

    def get_absolute_url(self):
        return reverse("categories:initiative_edit", args=[self.pk])


class InitiativeImpact(models.Model):
    """What an initiative does to one value driver, −2 (clearly worse) to +2 (clearly
    better); a driver without a row is unaffected (0)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="impacts")
    driver = models.ForeignKey(
        "stakeholders.ValueDriver", on_delete=models.CASCADE, related_name="initiative_impacts"
    )
    impact = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "driver"], name="one_impact_per_driver")
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.driver_id} {self.impact:+d}"


class RealisedSaving(models.Model):
    """Money an initiative actually delivered in one month, the three kinds apart."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="realised")
    period = models.DateField(help_text="First day of the month it was delivered in.")
    hard_savings = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    cost_avoidance = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period"], name="one_realised_row_per_month"
            )
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.period:%Y-%m}"


class PlanEndorsement(models.Model):
    """An affected unit's answer to one revision of a plan: endorse, or object with a reason."""

    ENDORSE = "endorse"
    OBJECT = "object"
    DECISIONS = [(ENDORSE, "Endorses"), (OBJECT, "Objects")]

    plan = models.ForeignKey(CategoryPlan, on_delete=models.CASCADE, related_name="endorsements")
    revision = models.PositiveIntegerField()
    unit = models.ForeignKey(
        "stakeholders.BusinessUnit", on_delete=models.CASCADE, related_name="plan_endorsements"
    )
    decision = models.CharField(max_length=10, choices=DECISIONS)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision", "unit"], name="one_answer_per_unit_and_revision"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.decision} plan {self.plan_id} r{self.revision}"


class PlanVersion(models.Model):
    """A frozen copy of a plan as the CPO approved it, so a later edit never rewrites what
    was approved."""

    plan = models.ForeignKey(CategoryPlan, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "revision"], name="one_copy_per_revision")
        ]

    def __str__(self):
        return f"plan {self.plan_id} r{self.revision}"


class PlanEvent(models.Model):
    """Who changed what and when on a plan or one of its initiatives."""

    plan = models.ForeignKey(CategoryPlan, on_delete=models.CASCADE, related_name="events")
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    revision = models.PositiveIntegerField()
    action = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True, help_text="Field → [before, after].")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


# --- Maturity assessments (issue 7) ------------------------------------------------------------
# The arithmetic (organisation level, questionnaire ladder, evidence rules) lives in
# categories/maturity.py; these rows hold the model's wording and what people assessed.


class MaturityDimension(models.Model):
    """One side of procurement maturity (stakeholder focus, spend insight, ...). `key` ties the
    row to the evidence rule in categories/maturity.py; the wording is the administrator's."""

    key = models.CharField(max_length=40, unique=True, editable=False)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MaturityDescriptor(models.Model):
    """What a level looks like on a dimension, and (from level 2 up) the yes-or-no statement the
    category manager answers to reach it."""

    dimension = models.ForeignKey(
        MaturityDimension, on_delete=models.CASCADE, related_name="descriptors"
    )
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    descriptor = models.TextField(help_text="What this level looks like, in a sentence or two.")
    question = models.CharField(
        max_length=300,
        blank=True,
        help_text="The statement that must hold to reach this level (none for level 1).",
    )

    class Meta:
        ordering = ["dimension__order", "level"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "level"], name="one_descriptor_per_level")
        ]

    def __str__(self):
        return f"{self.dimension} level {self.level}"


class MaturityAssessment(models.Model):
    """A category's maturity on one date, as its manager judged it with the evidence beside."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="maturity_assessments"
    )
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_on", "category__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "assessed_on"], name="one_assessment_per_category_date"
            )
        ]

    def __str__(self):
        return f"{self.category.code} {self.assessed_on}"


class MaturityScore(models.Model):
    """One dimension of an assessment: the questionnaire's answers, the evidence as it stood,
    what the app suggested, and the level the person settled on."""

    assessment = models.ForeignKey(
        MaturityAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    dimension = models.ForeignKey(MaturityDimension, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=list, help_text="Yes or no to each statement, level 2 up.")
    evidence = models.TextField(blank=True, help_text="The evidence as it stood that day.")
    evidence_level = models.PositiveSmallIntegerField(null=True, blank=True)
    suggested_level = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dimension__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_score_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.assessment} {self.dimension}: {self.level}"
