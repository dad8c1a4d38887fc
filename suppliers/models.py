from django.db import models
from django.urls import reverse

from suppliers.names import normalise


class Supplier(models.Model):
    name = models.CharField(max_length=255)
    normalised_name = models.CharField(max_length=255, db_index=True, editable=False)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    identifiers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Registry numbers by scheme, e.g. {"vat": "GB123456789", "erp": "116251"}.',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("suppliers:detail", args=[self.pk])


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
