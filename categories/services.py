"""Changes to the category tree made from its pages."""

from django.db import transaction

from categories.forms import CategoryForm
from categories.models import Category
from categories.tree import code_for_new_category, split_levels


def category_update(*, form: CategoryForm) -> Category:
    """Save what the owner (or an administrator) changed on the category's page. The form has
    validated the category itself (CategoryForm is a ModelForm), so it is saved as it stands."""
    with transaction.atomic():
        return form.save()


def categories_from_file_values(*, values, parent: Category | None, levels: bool) -> dict:
    """A category for each value of an imported file's own classification, under `parent`
    (the top of the tree when None), owned by the parent's owner. With `levels`, a value
    written as levels ("CATERING.FOOD & BEVERAGES") becomes a category per level, reusing one
    already made for the same name under the same parent. Returns value → the code of the
    category its lines go to."""
    with transaction.atomic():
        taken = set(Category.objects.values_list("code", flat=True))
        under = {}  # (parent id, name in lower case) → category, made or found
        codes = {}
        for value in values:
            node = parent
            for name in split_levels(value) if levels else [value.strip()]:
                key = (getattr(node, "pk", None), name.lower())
                if key not in under:
                    existing = Category.objects.filter(parent=node, name__iexact=name).first()
                    if existing is not None:
                        under[key] = existing
                if key not in under:
                    code = code_for_new_category(name, node.code if node else "", taken)
                    taken.add(code)
                    under[key] = Category.objects.create(
                        code=code,
                        name=name[: Category._meta.get_field("name").max_length],
                        parent=node,
                        owner=node.owner if node else None,
                        description=f"Made from the value “{value}” of an imported file.",
                    )
                node = under[key]
            codes[value] = node.code
    return codes
