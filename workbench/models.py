from django.db import models


class DataVersion(models.Model):
    """How many times the data behind one area's derived figures has changed: every write that
    changes them gives the area a new `stamp` in its own transaction (workbench.figures), and
    every cached figure is filed under the stamps of the areas it reads, so a figure computed
    before a write is never served after it."""

    area = models.CharField(max_length=20, primary_key=True)
    number = models.PositiveBigIntegerField(default=0)
    # Random, not the number alone: a transaction that changed data and rolled back leaves
    # no stamp behind that a later write could repeat (and so meet its figures in the cache).
    stamp = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.area} #{self.number}"
