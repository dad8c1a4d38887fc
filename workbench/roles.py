"""The four roles, held as Django groups (created by a migration). A person may hold several."""

CATEGORY_MANAGER = "Category manager"
BUSINESS_UNIT_LEAD = "Business-unit lead"
CPO = "CPO"
ADMINISTRATOR = "Administrator"

ALL_ROLES = (CATEGORY_MANAGER, BUSINESS_UNIT_LEAD, CPO, ADMINISTRATOR)
# People inside procurement, who may read every category, supplier and unit.
PROCUREMENT_ROLES = frozenset({CATEGORY_MANAGER, CPO, ADMINISTRATOR})


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_workbench_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMINISTRATOR}
        user._workbench_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return not roles_of(user).isdisjoint(roles)


def is_procurement(user) -> bool:
    return not roles_of(user).isdisjoint(PROCUREMENT_ROLES)
