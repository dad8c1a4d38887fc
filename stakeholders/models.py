from django.conf import settings
from django.db import models
from django.urls import reverse


class BusinessUnit(models.Model):
    """An internal customer of procurement: the people who use what is bought."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_business_units"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholders:unit", args=[self.code])


class ValueDriver(models.Model):
    """Something a business unit values in what procurement buys: cost, quality, speed, ..."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
