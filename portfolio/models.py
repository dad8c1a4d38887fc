"""The maturity model's wording and what people assessed. The arithmetic (organisation level,
questionnaire ladder, evidence rules) lives in portfolio/maturity.py."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from categories.models import Category
from workbench.corrections import Versioned


class MaturityDimension(models.Model):
    """One side of procurement maturity (stakeholder focus, spend insight, ...). `key` ties the
    row to the evidence rule in categories/maturity.py; the wording is the administrator's."""

    key = models.CharField(max_length=40, unique=True, editable=False)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "categories_maturitydimension"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MaturityDescriptor(Versioned):
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
    history = HistoricalRecords()

    class Meta:
        db_table = "categories_maturitydescriptor"
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
        db_table = "categories_maturityassessment"
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
        db_table = "categories_maturityscore"
        ordering = ["dimension__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_score_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.assessment} {self.dimension}: {self.level}"
