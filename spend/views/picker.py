"""The category picker on the classification pages: a plain text input for a category's code
(which works with JavaScript off), and with htmx a search as you type over the codes and names
of the categories the person may classify into."""

import re

from django.db.models import Q
from django.shortcuts import render

from categories.models import Category
from workbench.permissions import classifiable_categories, require_importer

MATCHES_SHOWN = 12
# The picker's element id comes back in the query string: only what an id may hold.
PICKER_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def category_typed(text: str) -> Category | None:
    """The category a person typed: its code (in any case), or its code followed by its name
    (as the picker fills it in), or its exact name when only one category has it."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.split()[0]
    if found := Category.objects.filter(code__iexact=code).first():
        return found
    named = list(Category.objects.filter(name__iexact=text)[:2])
    return named[0] if len(named) == 1 else None


def category_matches(user, text: str):
    """Up to MATCHES_SHOWN categories the user may classify into whose code starts with, or
    whose code or name holds, every word typed; in the tree's order."""
    words = (text or "").split()[:5]
    if not words:
        return Category.objects.none()
    matches = classifiable_categories(user)
    for word in words:
        matches = matches.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return matches.order_by("path").only("code", "name", "depth")[:MATCHES_SHOWN]


def category_picker(request):
    """The picker's htmx answers: the matches for what is typed, or (with `choose`) the picker
    again with the chosen category filled in."""
    require_importer(request)
    picker = request.GET.get("picker", "")
    picker = picker if PICKER_ID.match(picker) else "category"
    typed = request.GET.get("category", "")[:100]
    context = {"picker": picker, "name": "category"}
    if choose := request.GET.get("choose", "")[:40]:
        chosen = classifiable_categories(request.user).filter(code=choose).first()
        context |= {"value": chosen.code if chosen else typed, "chosen": chosen}
        return render(request, "spend/_category_picker.html#picker", context)
    context |= {"typed": typed, "matches": category_matches(request.user, typed)}
    return render(request, "spend/_category_picker.html#matches", context)
