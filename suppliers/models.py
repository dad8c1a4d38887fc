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
