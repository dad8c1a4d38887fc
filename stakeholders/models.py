from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from workbench.corrections import Correctable, Versioned


class BusinessUnit(models.Model):
    """An internal customer of procurement: the people who use what is bought."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_business_units"
    )
    assigned_categories = models.ManyToManyField(
        "categories.Category",
        blank=True,
        related_name="assigned_units",
        help_text="Categories the unit has a say in even without spend of its own yet.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholders:unit", args=[self.code])


class ValueDriver(Versioned):
    """Something a business unit values in what procurement buys: cost, quality, speed, ...
    Retired (not active) rather than removed: the units' weights over it stay on record."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Priority(models.Model):
    """A unit's weights over the value drivers for one category, given as 100 points or as
    pairwise comparisons (AHP). The weights themselves are PriorityWeight rows, so the database
    can sum them."""

    POINTS = "points"
    PAIRWISE = "pairwise"
    METHODS = [(POINTS, "100 points"), (PAIRWISE, "Pairwise comparisons")]

    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="priorities")
    category = models.ForeignKey(
        "categories.Category", on_delete=models.CASCADE, related_name="priorities"
    )
    method = models.CharField(max_length=10, choices=METHODS)
    # Pairwise judgements as {"<driver id>,<driver id>": a_ij} for the upper triangle.
    comparisons = models.JSONField(default=dict, blank=True)
    consistency_ratio = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["unit", "category"], name="one_priority_per_pair")
        ]

    def __str__(self):
        return f"{self.unit} · {self.category}"


class PriorityWeight(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="weights")
    driver = models.ForeignKey(ValueDriver, on_delete=models.CASCADE, related_name="weights")
    weight = models.FloatField()
    points = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "driver"], name="one_weight_per_driver")
        ]

    def __str__(self):
        return f"{self.driver}: {self.weight:.3f}"


class SurveyRound(models.Model):
    """A satisfaction survey: which units answer about which categories, between two dates."""

    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    anonymous = models.BooleanField(
        default=False,
        help_text="Category managers then see only figures over at least three responses.",
    )
    units = models.ManyToManyField(BusinessUnit, related_name="survey_rounds")
    categories = models.ManyToManyField("categories.Category", related_name="survey_rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-opens_on", "-pk"]

    def __str__(self):
        return self.name

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on

    def get_absolute_url(self):
        return reverse("stakeholders:round", args=[self.pk])


class SurveyResponse(models.Model):
    """One unit's answer about one category in a round; a draft until submitted."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="responses")
    category = models.ForeignKey(
        "categories.Category", on_delete=models.CASCADE, related_name="survey_responses"
    )
    recommend = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "category"], name="one_response_per_unit_category"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.unit} · {self.category}"


class SurveyRating(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="ratings")
    driver = models.ForeignKey(ValueDriver, on_delete=models.CASCADE, related_name="ratings")
    importance = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "driver"], name="one_rating_per_driver")
        ]

    def __str__(self):
        return f"{self.driver}: {self.importance}/{self.satisfaction}"


class ServiceAgreement(Correctable):
    """An internal service agreement between procurement and a unit."""

    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(max_length=200)
    objectives = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    procurement_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__name", "-starts_on"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stakeholders:agreement", args=[self.pk])


class AgreementMeasure(Correctable):
    agreement = models.ForeignKey(
        ServiceAgreement, on_delete=models.CASCADE, related_name="measures"
    )
    name = models.CharField(max_length=200, help_text="e.g. Request-to-order days")
    target = models.DecimalField(max_digits=12, decimal_places=2)
    higher_is_better = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class MeasureResult(models.Model):
    """The actual value of a measure for one period (a month)."""

    measure = models.ForeignKey(AgreementMeasure, on_delete=models.CASCADE, related_name="results")
    period = models.DateField(help_text="First day of the month.")
    actual = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_result_per_period")
        ]

    def __str__(self):
        return f"{self.measure} {self.period:%b %Y}: {self.actual}"


class EngagementEntry(Correctable):
    """Time procurement spent with a business unit."""

    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="engagements")
    category = models.ForeignKey(
        "categories.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    date = models.DateField()
    minutes = models.PositiveIntegerField()
    people = models.CharField(max_length=300)
    topic = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "engagement entries"

    def __str__(self):
        return f"{self.date} {self.unit}: {self.topic}"


class ConcernResponse(models.Model):
    """Procurement's answer to one concern a survey round raised ("you said, we did"): what
    will be done and by when, or why not. A concern is a void, a low satisfaction on a driver
    the unit weights highly, or a comment (stakeholders.concerns says which answers raise
    which). In an anonymous round the answer is for the category (and driver) as a whole:
    `unit` stays empty, so nothing stored ties it to whoever raised it."""

    VOID = "void"
    LOW_SATISFACTION = "low"
    COMMENT = "comment"
    KINDS = [
        (VOID, "Void"),
        (LOW_SATISFACTION, "Low satisfaction on a driver it weights highly"),
        (COMMENT, "Comment"),
    ]
    ACT = "act"
    NO_ACTION = "no_action"
    DECISIONS = [(ACT, "We will act"), (NO_ACTION, "We will not act, and say why")]

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="concern_responses"
    )
    key = models.CharField(max_length=60, help_text="The concern answered (concerns.key).")
    category = models.ForeignKey(
        "categories.Category", on_delete=models.CASCADE, related_name="concern_responses"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    driver = models.ForeignKey(
        ValueDriver, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        BusinessUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="concern_responses",
        help_text="Empty when answered for the category as a whole (anonymous round).",
    )
    decision = models.CharField(max_length=10, choices=DECISIONS)
    action = models.TextField(help_text="What will be done, or why not.")
    due_on = models.DateField(null=True, blank=True)
    initiative = models.ForeignKey(
        "plans.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    measure = models.ForeignKey(
        AgreementMeasure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    relationship_action = models.ForeignKey(
        "suppliers.RelationshipAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_on = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-responded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="one_response_per_concern")
        ]

    def __str__(self):
        return f"{self.round} · {self.category} · {self.get_kind_display()}"


class ConcernVerdict(models.Model):
    """A unit lead's word, once the action is done, on whether it addressed what was said."""

    response = models.ForeignKey(ConcernResponse, on_delete=models.CASCADE, related_name="verdicts")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    addressed = models.BooleanField()
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "unit"], name="one_verdict_per_unit")
        ]

    def __str__(self):
        return f"{self.unit}: {'addressed' if self.addressed else 'not addressed'}"
