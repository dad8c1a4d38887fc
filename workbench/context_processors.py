from workbench.roles import (
    ADMINISTRATOR,
    BUSINESS_UNIT_LEAD,
    CATEGORY_MANAGER,
    CPO,
    PROCUREMENT_ROLES,
    roles_of,
)


def navigation(request):
    """The role flags the base layout needs to show each person only the menus they may use."""
    roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {
        "user_roles": sorted(roles),
        "is_category_manager": CATEGORY_MANAGER in roles,
        "is_unit_lead": BUSINESS_UNIT_LEAD in roles,
        "is_cpo": CPO in roles,
        "is_administrator": ADMINISTRATOR in roles,
        "is_procurement": not roles.isdisjoint(PROCUREMENT_ROLES),
    }
