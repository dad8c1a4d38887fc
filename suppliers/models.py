import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from suppliers.names import normalise
from workbench.corrections import Correctable


class Supplier(models.Model):
    name = models.CharField(max_length=255)
    normalised_name = models.CharField(max_length=255, db_index=True, editable=False)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    identifiers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Registry numbers by scheme, e.g. {"vat": "GB123456789", "erp": "116251"}.',
    )
    # The segment in force; its history, with who set it and why, is in SegmentDecision.
    segment = models.CharField(max_length=20, blank=True, default="", db_index=True)
    # Payments whose payee a body withheld ("REDACTED PERSONAL DATA"): one such record per
    # source, so they stay apart from companies, out of supplier counts and concentration, and
    # never a fuzzy-match target.
    redacted_payee = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Stands for payees a source withheld for privacy, not for one company.",
    )
    redacted_source = models.CharField(
        max_length=200, blank=True, help_text="The source (import mapping) whose payees it holds."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["redacted_source"],
                condition=models.Q(redacted_payee=True),
                name="one_redacted_payee_per_source",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("suppliers:detail", args=[self.pk])

    @property
    def segment_name(self) -> str:
        """The segment in the team's words ("Strategic partner"); "" when none is set."""
        return SEGMENT_NAMES.get(self.segment, "")


class SupplierAlias(models.Model):
    """Another spelling of a supplier's name, learnt from imports: the next file with this
    spelling lands on the supplier without fuzzy matching. A fuzzy match stays `confirmed=False`
    until someone confirms it on the review page (or splits it off as its own supplier)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)
    normalised_name = models.CharField(max_length=255, unique=True, editable=False)
    confirmed = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True, help_text="Fuzzy match score, 0..100.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "supplier aliases"

    def __str__(self):
        return f"{self.name} → {self.supplier}"

    def save(self, *args, **kwargs):
        self.normalised_name = normalise(self.name)
        super().save(*args, **kwargs)


# --- Segmentation --------------------------------------------------------------------------

STRATEGIC_PARTNER = "strategic_partner"
PREFERRED = "preferred"
APPROVED = "approved"
TRANSACTIONAL = "transactional"
EXIT = "exit"
SEGMENTS = [
    (STRATEGIC_PARTNER, "Strategic partner"),
    (PREFERRED, "Preferred"),
    (APPROVED, "Approved"),
    (TRANSACTIONAL, "Transactional"),
    (EXIT, "Exit"),
]
SEGMENT_NAMES = dict(SEGMENTS)


class SegmentDecision(models.Model):
    """A category manager's decision on a supplier's segment. Every change is a new row, so
    the history of who put a supplier where, and why, stays on record."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="segment_decisions"
    )
    segment = models.CharField(max_length=20, choices=SEGMENTS)
    suggested = models.CharField(
        max_length=20, choices=SEGMENTS, blank=True, help_text="What the data suggested then."
    )
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-pk"]

    def __str__(self):
        return f"{self.supplier}: {self.get_segment_display()}"


# --- Deduplication -------------------------------------------------------------------------


class SupplierMerge(models.Model):
    """Two supplier records found to be one company: the duplicate's history moved onto the
    kept supplier and its name became an alias. What moved is recorded row by row, so the
    merge can be undone exactly."""

    kept = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="merges")
    merged_name = models.CharField(max_length=255)
    # The duplicate as it was (pk, name, country, identifiers, segment), to recreate it.
    merged_record = models.JSONField()
    # Relation name → ids of the rows that moved from the duplicate to the kept supplier.
    moved = models.JSONField(default=dict)
    alias = models.ForeignKey(
        SupplierAlias, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged_name} → {self.kept}"


# --- Relationship plans ----------------------------------------------------------------------

UNDERSTAND = 1
STRATEGY = 2
MONITOR = 3
EVALUATE = 4
INNOVATE = 5
ELEMENTS = [
    (UNDERSTAND, "Understand mutual needs and form the relationship"),
    (STRATEGY, "Develop strategy and plan"),
    (MONITOR, "Monitor and manage"),
    (EVALUATE, "Evaluate and improve"),
    (INNOVATE, "Develop new products and services and innovate"),
]


class RelationshipPlan(models.Model):
    """How procurement and a strategic partner work together, along the five elements."""

    supplier = models.OneToOneField(
        Supplier, on_delete=models.CASCADE, related_name="relationship_plan"
    )
    purpose = models.TextField(help_text="What each side wants from the relationship.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier_contact = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Relationship plan: {self.supplier}"


class RelationshipAction(models.Model):
    """An objective under one element of the plan and the action that serves it."""

    PLANNED, UNDER_WAY, DONE = "planned", "under_way", "done"
    STATUSES = [(PLANNED, "Planned"), (UNDER_WAY, "Under way"), (DONE, "Done")]

    plan = models.ForeignKey(RelationshipPlan, on_delete=models.CASCADE, related_name="actions")
    element = models.PositiveSmallIntegerField(choices=ELEMENTS)
    objective = models.CharField(max_length=300)
    action = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who does it, on either side.")
    start = models.DateField(null=True, blank=True)
    due = models.DateField()
    status = models.CharField(max_length=20, choices=STATUSES, default=PLANNED)

    class Meta:
        ordering = ["element", "due", "pk"]

    def __str__(self):
        return self.objective


class GovernanceMeeting(models.Model):
    """A review meeting with the partner: who came, what was decided, when the next is."""

    plan = models.ForeignKey(RelationshipPlan, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    kind = models.CharField(
        max_length=100, default="Quarterly business review", help_text="e.g. executive review."
    )
    attendees = models.TextField()
    decisions = models.TextField()
    next_meeting = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.date}"


# --- Scorecards ----------------------------------------------------------------------------


class Kpi(models.Model):
    """One measure of supplier performance in the catalogue scorecard templates draw from."""

    KINDS = [
        ("quality", "Quality"),
        ("delivery", "Delivery on time in full"),
        ("cost", "Cost"),
        ("responsiveness", "Responsiveness"),
        ("innovation", "Innovation"),
        ("sustainability", "Sustainability"),
        ("custom", "Custom"),
    ]

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS)
    description = models.TextField(blank=True, help_text="What a 1 and a 5 look like.")

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"

    def __str__(self):
        return self.name


class ScorecardTemplate(models.Model):
    """KPIs with weights that sum to 100."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    kpis = models.ManyToManyField(Kpi, through="TemplateKpi", related_name="templates")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateKpi(models.Model):
    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.CASCADE, related_name="weights"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["-weight", "kpi__name"]
        constraints = [
            models.UniqueConstraint(fields=["template", "kpi"], name="one_weight_per_kpi")
        ]

    def __str__(self):
        return f"{self.kpi}: {self.weight}"


class Evaluation(Correctable):
    """One evaluator's ratings of a supplier for one quarter: the category manager's, or a
    business unit's (then `business_unit` says which)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="evaluations")
    template = models.ForeignKey(ScorecardTemplate, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    business_unit = models.ForeignKey(
        "stakeholders.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplier_evaluations",
        help_text="Empty when procurement rates.",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-quarter", "-pk"]

    def __str__(self):
        return f"{self.supplier} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    def get_absolute_url(self):
        return reverse("suppliers:scorecard", args=[self.pk])


class Rating(models.Model):
    """A rating of one KPI, 1 (poor) to 5 (excellent). A KPI the evaluator could not judge
    has no row: it is left out of the score, not counted as zero."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "kpi"], name="one_rating_per_kpi")
        ]

    def __str__(self):
        return f"{self.kpi}: {self.score}"


# --- Contracts, engagement, ideas, risks ----------------------------------------------------


class Contract(Correctable):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    categories = models.ManyToManyField(
        "categories.Category", blank=True, related_name="supplier_contracts"
    )
    start = models.DateField()
    end = models.DateField()
    value = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="Total contract value in the base currency."
    )
    auto_renewal = models.BooleanField(default=False)
    notice_days = models.PositiveIntegerField(
        default=90, help_text="Days of notice needed to end or renegotiate it."
    )
    annual_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="Value per year."
    )
    extension_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Months it may still be extended by, as registered."
    )
    # The contracts register import that brought it in; undoing the import removes it.
    import_batch = models.ForeignKey(
        "spend.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contracts",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        ordering = ["end", "title"]

    def __str__(self):
        return self.title

    @property
    def notice_by(self):
        """The last day to give notice, to end or renegotiate before it renews or ends."""
        return self.end - datetime.timedelta(days=self.notice_days)


class SupplierEngagement(Correctable):
    """Time spent with a supplier: a meeting, a call, a site visit."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="engagements")
    date = models.DateField()
    minutes = models.PositiveIntegerField(help_text="How long, in minutes.")
    people = models.CharField(max_length=300, help_text="Who took part, on both sides.")
    topic = models.CharField(max_length=300)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} {self.topic}"


class SupplierIdea(Correctable):
    """An idea a supplier brings: a new product, a saving, a source of revenue."""

    KINDS = [("innovation", "Innovation"), ("savings", "Savings"), ("revenue", "Revenue")]
    NEW, ASSESSING, ACCEPTED, REJECTED, DONE = "new", "assessing", "accepted", "rejected", "done"
    STATUSES = [
        (NEW, "New"),
        (ASSESSING, "Being assessed"),
        (ACCEPTED, "Accepted"),
        (REJECTED, "Rejected"),
        (DONE, "Implemented"),
    ]

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    description = models.TextField()
    kind = models.CharField(max_length=20, choices=KINDS)
    estimated_value = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Savings or revenue a year, in the base currency, if known.",
    )
    status = models.CharField(max_length=20, choices=STATUSES, default=NEW)
    raised_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]

    def __str__(self):
        return self.title


class SupplierRisk(Correctable):
    """A risk in depending on the supplier, scored likelihood × impact on 1..5 each."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(max_length=300)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mitigation = models.TextField(blank=True)
    open = models.BooleanField(default=True)
    raised_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-open", "-raised_on", "-pk"]

    def __str__(self):
        return self.description

    @property
    def exposure(self) -> int:
        return self.likelihood * self.impact


# --- Match suggestions -----------------------------------------------------------------------


class SupplierMatchSuggestion(models.Model):
    """A name from an import that is probably another spelling of an existing supplier, but not
    certainly ("University of Bradford" and "Bradford University"; "Stomping Grounds" and
    "Stomping Grounds NE"). Its lines stay on a supplier of their own until a person accepts
    (the two are merged, undoably) or rejects it. Undoing the import that made it removes it."""

    PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
    STATUSES = [
        (PENDING, "Waiting for review"),
        (ACCEPTED, "Same supplier"),
        (REJECTED, "Different"),
    ]

    batch = models.ForeignKey(
        "spend.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_suggestions",
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="match_suggestions"
    )
    suggested = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    name_in_file = models.CharField(max_length=255)
    score = models.FloatField(help_text="Fuzzy match score, 0..100.")
    doubt = models.CharField(max_length=255, help_text="Why the match was not taken alone.")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "name_in_file", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "suggested"], name="one_suggestion_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.name_in_file} → {self.suggested}?"
