from django.conf import settings
from django.core.exceptions import ValidationError
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
