"""What the opportunity finder is configured with and what people decided about its findings:
the saving rates it quotes, the approval thresholds split purchases hide under, the accounts
payable team's verdict on each possible duplicate payment, and which initiative a finding
became."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from opportunities.benchmarks import KINDS, default_rates_help

RATE = [MinValueValidator(0), MaxValueValidator(1)]


class BenchmarkRate(models.Model):
    """The saving range quoted for one kind of opportunity, as a fraction of the addressable
    spend. Without a row the finder quotes opportunities.benchmarks.DEFAULT_RATES."""

    opportunity = models.CharField(max_length=30, choices=KINDS, unique=True)
    low = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=RATE,
        help_text="Lower end, as a fraction (0.05 is 5 %). Defaults and their sources: "
        + default_rates_help(),
    )
    high = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=RATE,
        help_text="Upper end, as a fraction (0.10 is 10 %).",
    )
    source = models.TextField(
        blank=True, help_text="Where the rate comes from, shown beside every estimate."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["opportunity"]

    def __str__(self):
        return f"{self.get_opportunity_display()}: {self.low:.1%}–{self.high:.1%}"

    def clean(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValidationError({"high": "The upper end is below the lower end."})


class ApprovalThreshold(models.Model):
    """An amount above which an invoice needs a further sign-off: repeated invoices just below
    it may be one purchase split to avoid that sign-off."""

    name = models.CharField(
        max_length=100, help_text='Who signs above it, e.g. "Finance director".'
    )
    amount = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(1)],
        help_text="In the base currency; an invoice of this amount or more needs the sign-off.",
    )
    margin = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=0.1,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.5)],
        help_text="How far below the threshold counts as “just under”, as a fraction of it "
        "(0.10: invoices from 90 % of the threshold up to just below it).",
    )

    class Meta:
        ordering = ["amount"]
        constraints = [models.UniqueConstraint(fields=["amount"], name="one_threshold_per_amount")]

    def __str__(self):
        return f"{self.name} ({self.amount:,.2f})"


class DuplicateReview(models.Model):
    """The accounts payable team's verdict on one pair of spend lines the duplicate finder put
    side by side. Lines are referred to by id, not by a foreign key: on PostgreSQL the lines
    table is partitioned and carries no key to point at, and undoing an import must not be
    held up by a review. The pair's figures are kept as they were when decided."""

    CONFIRMED = "confirmed"
    NOT_DUPLICATE = "not_duplicate"
    DECISIONS = [(CONFIRMED, "Confirmed duplicate"), (NOT_DUPLICATE, "Not a duplicate")]
    SAME_AMOUNT = "same_amount"
    SAME_REFERENCE = "same_reference"
    REASONS = [
        (SAME_AMOUNT, "Same supplier and amount within a few days"),
        (SAME_REFERENCE, "Same document reference twice"),
    ]

    first_line_id = models.BigIntegerField()
    second_line_id = models.BigIntegerField()
    reason = models.CharField(max_length=20, choices=REASONS)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="duplicate_reviews"
    )
    category = models.ForeignKey(
        "categories.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicate_reviews",
    )
    amount = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="The second payment: what is to be recovered."
    )
    first_date = models.DateField()
    second_date = models.DateField()
    decision = models.CharField(max_length=20, choices=DECISIONS)
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_line_id", "second_line_id"], name="one_review_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.first_line_id}/{self.second_line_id}: {self.get_decision_display()}"


class FindingInitiative(models.Model):
    """Which initiative a finding became, so the finder shows it as taken up."""

    finding_key = models.CharField(max_length=200, db_index=True)
    initiative = models.OneToOneField(
        "plans.Initiative", on_delete=models.CASCADE, related_name="finding"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.finding_key} → {self.initiative_id}"
