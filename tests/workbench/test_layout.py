"""The house rules a newcomer relies on to find their way, read from the source itself: one home
per concept, permission rules in one module, no reaching into another module's private names."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

ROOT = Path(__file__).resolve().parents[2]
APPS = ["categories", "spend", "plans", "suppliers", "stakeholders", "portfolio", "workbench"]
PERMISSIONS = ROOT / "workbench" / "permissions.py"
ROLES = ROOT / "workbench" / "roles.py"


def _modules(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def test_no_app_holds_more_than_a_third_of_the_code():
    sizes = {app: sum(_lines(path) for path in _modules(app)) for app in APPS}
    total = sum(sizes.values())
    too_big = {app: f"{size / total:.0%}" for app, size in sizes.items() if size * 3 > total}
    assert not too_big, f"Apps over a third of the code: {too_big} (all: {sizes})"


@pytest.mark.parametrize(
    "app, models",
    [
        ("categories", {"Category"}),
        (
            "spend",
            {
                "SpendLine",
                "ImportBatch",
                "ImportJob",
                "ColumnMapping",
                "ExchangeRate",
                "ClassificationRule",
                "SpendSummary",
                "KraljicAssessment",
                "ClassifierTraining",
                "ClassificationSuggestion",
            },
        ),
        (
            "plans",
            {
                "CategoryPlan",
                "PlanObjective",
                "Initiative",
                "InitiativeImpact",
                "RealisedSaving",
                "PlanEndorsement",
                "PlanVersion",
                "PlanEvent",
                "StageProbability",
            },
        ),
        (
            "portfolio",
            {"MaturityDimension", "MaturityDescriptor", "MaturityAssessment", "MaturityScore"},
        ),
    ],
)
def test_each_concept_has_its_models_in_its_own_app(app, models):
    # A record's history (django-simple-history's Historical... model) lives beside it.
    found = {
        model.__name__
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, HistoricalChanges)
    }
    assert found == models


def test_no_module_imports_another_modules_private_names():
    offences = []
    for path in _modules(*APPS, "config", "tests"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                private = [
                    alias.name
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
                if private and node.module != _module_name(path):
                    offences.append(f"{path.relative_to(ROOT)}: {node.module} {private}")
    assert not offences, "\n".join(offences)


def _permission_checks(source: str, label: str) -> list[str]:
    """Calls that decide by role, and refusals, found in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in {"has_role", "is_procurement"}:
                found.append(f"{label}:{node.lineno} {name}()")
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if getattr(raised, "id", None) == "PermissionDenied":
                found.append(f"{label}:{node.lineno} raise PermissionDenied")
    return found


def test_every_permission_rule_lives_in_the_permissions_module():
    offences = [
        offence
        for path in _modules(*APPS, "config")
        if path not in (PERMISSIONS, ROLES)
        for offence in _permission_checks(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not offences, "\n".join(offences)


def test_the_permissions_module_imports_everything_at_the_top():
    nested = [
        f"line {node.lineno}"
        for function in ast.walk(_tree(PERMISSIONS))
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert not nested, f"Imports inside functions of permissions.py: {nested}"


def test_the_permission_check_finds_a_view_that_decides_by_role_itself():
    view = (
        "from django.core.exceptions import PermissionDenied\n"
        "def page(request):\n"
        "    if not has_role(request.user, 'cpo') and not roles.is_procurement(request.user):\n"
        "        raise PermissionDenied('No.')\n"
    )
    assert sorted(_permission_checks(view, "views.py")) == [
        "views.py:3 has_role()",
        "views.py:3 is_procurement()",
        "views.py:4 raise PermissionDenied",
    ]
