"""The fast paths of a large import store the same lines as the ordinary one."""

import pytest
from django.db import connection

from categories.importing import storing
from categories.models import ImportJob, SpendLine
from tests.categories.import_support import csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

GOOD = "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1"
OTHER = "2026-01-20,Softcat plc,300.00,GBP,FIN,,6200,Licences,INV-2"


def table_shape():
    """Every index and foreign key of the lines table, with what it covers and how."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SpendLine._meta.db_table)
    return {
        name: (tuple(info["columns"]), info["index"], info["foreign_key"], info["unique"])
        for name, info in constraints.items()
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rebuild is PostgreSQL's")
def test_a_batch_stored_with_indexes_set_aside_gets_every_index_and_key_back(
    company_with_spend, monkeypatch
):
    before = table_shape()
    monkeypatch.setattr(storing, "REBUILD_FROM_LINES", 0)
    job = import_file(csv_bytes(GOOD, OTHER))
    assert job.status == ImportJob.STORED, job.message
    assert table_shape() == before
    assert sorted(job.batch.lines.values_list("document_reference", "category__code")) == [
        ("INV-1", "IT.HW"),
        ("INV-2", None),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT condeferrable AND condeferred FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [SpendLine._meta.db_table],
        )
        assert [row[0] for row in cursor.fetchall()] == [True] * 4
