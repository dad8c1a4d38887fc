"""A database built before spend, plans and maturity left the categories app migrates in place:
every row stays, every total stays, and what refers to the old app by name follows."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import CategoryPlan
from spend.models import SpendLine
from suppliers.models import Supplier, SupplierMerge

LAST_BEFORE_THE_MOVE = ("categories", "0012_import_job_sheets")
# What left the categories app, read from the apps as they are now: each moved model (and the
# initiatives' units table) kept its "categories_" table.
MOVED = {
    app: [
        model._meta.model_name
        for model in apps.get_app_config(app).get_models()
        if model._meta.db_table.startswith("categories_")
    ]
    for app in ("spend", "plans", "portfolio")
}
TABLES = [
    model._meta.db_table
    for app in MOVED
    for model in apps.get_app_config(app).get_models(include_auto_created=True)
    if model._meta.db_table.startswith("categories_")
]
MONEY = {
    "categories_spendline": "amount",
    "categories_spendsummary": "spend",
    "categories_initiative": "hard_savings",
    "categories_categoryplan": "target_hard_savings",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _figures():
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        totals = {}
        for table, column in MONEY.items():
            cursor.execute(f"SELECT COALESCE(SUM({column}), 0) FROM {table}")
            totals[table] = cursor.fetchone()[0]
    return counts, totals


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_layout_migrates_to_the_new_one_without_losing_a_row():
    # Today's models fill the tables (the moved ones kept their names), then the schema goes
    # back to the old layout: what was added since drops out, the rows of the old tables stay.
    call_command("load_demo", lines=3_000, stdout=StringIO())
    kept, gone = Supplier.objects.order_by("pk")[:2]
    SupplierMerge.objects.create(
        kept=kept,
        merged_name=gone.name,
        merged_record={},
        moved={"categories.spendline.supplier": [1, 2], "suppliers.contract.supplier": [3]},
    )
    _migrate([LAST_BEFORE_THE_MOVE] + [(app, None) for app in MOVED])
    # What a database of the old layout held: the models' content types under "categories".
    ContentType.objects.filter(app_label__in=MOVED).delete()
    for models in MOVED.values():
        for model in models:
            ContentType.objects.get_or_create(app_label="categories", model=model)
    counts, totals = _figures()
    assert counts["categories_spendline"] == 3_000
    assert all(counts[f"categories_{table}"] for table in ("categoryplan", "initiative"))
    assert counts["categories_maturitydescriptor"]

    _migrate(_latest())

    assert _figures() == (counts, totals)
    for app, models in MOVED.items():
        assert set(
            ContentType.objects.filter(app_label=app).values_list("model", flat=True)
        ) >= set(models)
    assert not ContentType.objects.filter(
        app_label="categories", model__in=sum(MOVED.values(), [])
    ).exists()
    assert SupplierMerge.objects.get().moved == {
        "spend.spendline.supplier": [1, 2],
        "suppliers.contract.supplier": [3],
    }
    # And the moved models read the rows where they are.
    assert SpendLine.objects.count() == 3_000
    assert CategoryPlan.objects.count() == counts["categories_categoryplan"]
