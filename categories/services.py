"""Changes to the category tree made from its pages."""

from django.db import transaction

from categories.forms import CategoryForm
from categories.models import Category


def category_update(*, form: CategoryForm) -> Category:
    """Save what the owner (or an administrator) changed on the category's page. The form has
    validated the category itself (CategoryForm is a ModelForm), so it is saved as it stands."""
    with transaction.atomic():
        return form.save()
