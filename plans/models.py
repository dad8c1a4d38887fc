"""Category plans and their initiatives: what people decided. The arithmetic (alignment,
conflicts, ranking, pipeline, proration) lives in plans/alignment.py and plans/savings.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from categories.models import Category


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
        db_table = "categories_categoryplan"
        ordering = ["-fiscal_year", "category__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "fiscal_year"], name="one_plan_per_category_year"
            )
        ]

    def __str__(self):
        return f"{self.category.code} {self.fiscal_year}: {self.title}"

    def get_absolute_url(self):
        return reverse("plans:plan_detail", args=[self.pk])

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
        db_table = "categories_planobjective"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class StageProbability(models.Model):
    """How likely an initiative at a stage is to deliver: the risk-adjusted pipeline multiplies
    each initiative's expected value by its stage's probability. A stage with no row uses
    `plans.savings.DEFAULT_STAGE_PROBABILITIES`."""

    stage = models.CharField(max_length=20, unique=True)
    probability = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        db_table = "categories_stageprobability"
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
        db_table = "categories_initiative"
        ordering = ["start", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end comes before the start."})
        if self.stage == self.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": "Say why the initiative was cancelled."})

    def get_absolute_url(self):
        return reverse("plans:initiative_edit", args=[self.pk])


class InitiativeImpact(models.Model):
    """What an initiative does to one value driver, −2 (clearly worse) to +2 (clearly
    better); a driver without a row is unaffected (0)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="impacts")
    driver = models.ForeignKey(
        "stakeholders.ValueDriver", on_delete=models.CASCADE, related_name="initiative_impacts"
    )
    impact = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])

    class Meta:
        db_table = "categories_initiativeimpact"
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
        db_table = "categories_realisedsaving"
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
        db_table = "categories_planendorsement"
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
        db_table = "categories_planversion"
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
        db_table = "categories_planevent"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
