"""Supplier matching on the real payment files (../shared/data/real-spend/, or BENCH_REAL_FILES),
one after another as a team would import them, on whatever database DATABASE_URL names (`make
bench` runs it on its throwaway cluster, before the demo company is loaded):

    scripts/with-postgres .venv/bin/python benchmarks/matching.py

Each file is read and its supplier column proposed by the importer's own code, then its names
resolved as an import resolves them (`suppliers.suggestions.import_suppliers_resolve`), in one
transaction rolled back at the end. Prints per file how many names were exact, by alias,
auto-accepted (a fuzzy match taken without review), queued for review, new and redacted; then,
over all files, the share of names attached to another organisation without review, judged
against `matching_pairs.csv` (pairs a person has looked at: "same" or "different"). An
auto-accepted pair nobody has judged yet is printed, to be judged and added there.
"""

import csv
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from spend.importing.mapping import propose_mapping  # noqa: E402
from spend.importing.reading import read_table, visible  # noqa: E402
from spend.models import ImportBatch  # noqa: E402
from suppliers.models import Supplier, SupplierAlias  # noqa: E402
from suppliers.names import normalise  # noqa: E402
from suppliers.suggestions import import_suppliers_resolve  # noqa: E402

HERE = Path(__file__).resolve().parent
REAL_FILES = Path(
    os.environ.get("BENCH_REAL_FILES", HERE.parents[1] / "shared" / "data" / "real-spend")
)
PAIRS = HERE / "matching_pairs.csv"


def judged_pairs() -> dict:
    """(normalised name in the file, normalised name matched) → "same" or "different"."""
    with PAIRS.open(newline="", encoding="utf-8") as handle:
        return {
            (normalise(row["name_in_file"]), normalise(row["matched_to"])): row["verdict"]
            for row in csv.DictReader(handle)
        }


def supplier_names(path: Path) -> dict:
    """Normalised name → the file's first spelling of it, from the proposed supplier column."""
    table = read_table(path.read_bytes(), path.name)
    rows = [cells for _, cells in table.rows]
    column = propose_mapping(table.headers, rows[:2000]).columns.get("supplier")
    if column is None:
        return {}
    index = table.headers.index(column)
    names = {}
    for cells in rows:
        spelling = visible(cells[index]).strip() if index < len(cells) else ""
        if spelling and (normalised := normalise(spelling)):
            names.setdefault(normalised, spelling)
    return names


def source_of(path: Path) -> str:
    """The body a file comes from, as a person would name its mapping: "bradford-2018-01.csv"
    is Bradford's."""
    return re.sub(r"[-_ ]*\d.*$", "", path.stem) or path.stem


def main():
    call_command("migrate", verbosity=0)
    pairs = judged_pairs()
    total_names, wrong, unjudged = 0, [], []
    with transaction.atomic():
        for path in sorted(REAL_FILES.glob("*.csv")) + sorted(REAL_FILES.glob("*.xlsx")):
            names = supplier_names(path)
            if not names:
                print(f"{path.name}: no supplier column proposed, skipped")
                continue
            before = dict(SupplierAlias.objects.values_list("normalised_name", "supplier_id"))
            batch = ImportBatch.objects.create(source=path.name, content_hash=path.name[:64])
            started = time.perf_counter()
            ids, counts, _ = import_suppliers_resolve(
                names=names, batch=batch, source=source_of(path)
            )
            seconds = time.perf_counter() - started
            total_names += len(names)
            print(
                f"{path.name}: {len(names)} names: {counts['exact']} exact, {counts['alias']} "
                f"by alias, {counts['fuzzy']} auto-accepted, {counts['queued']} queued for "
                f"review, {counts['new']} new, {counts['redacted']} redacted ({seconds:.2f} s)"
            )
            accepted = SupplierAlias.objects.exclude(normalised_name__in=before)
            targets = dict(Supplier.objects.filter(pk__in=ids.values()).values_list("pk", "name"))
            for alias in accepted:
                pair = (alias.normalised_name, normalise(targets[alias.supplier_id]))
                verdict = pairs.get(pair)
                if verdict == "different":
                    wrong.append((path.name, alias.name, targets[alias.supplier_id]))
                elif verdict != "same":
                    unjudged.append((path.name, alias.name, targets[alias.supplier_id]))
        transaction.set_rollback(True)
    share = 100 * len(wrong) / total_names if total_names else 0.0
    print(
        f"names attached to another organisation without review: {len(wrong)} of {total_names} "
        f"({share:.2f} %, goal 0 %)"
    )
    for file_name, name, target in wrong:
        print(f"  wrongly attached in {file_name}: {name!r} -> {target!r}")
    print(f"auto-accepted pairs nobody has judged yet (add them to {PAIRS.name}): {len(unjudged)}")
    for file_name, name, target in unjudged:
        print(f"  {file_name}: {name!r} -> {target!r}")


if __name__ == "__main__":
    main()
