"""The classifier that learns from the team (spend.learning), measured: `make bench` runs it
after loading the demo (benchmarks/run.py); alone, on whatever database DATABASE_URL names:

    scripts/with-postgres .venv/bin/python benchmarks/classification.py

Prints, one figure a line:
1. The demo company: top-1 and top-3 accuracy on 20 % of its lines held out at random (goal:
   top-1 >= 90 %), beside the share the commonest category alone would get right; and the
   same, 5-fold, with every line of a supplier held out together (suppliers never seen).
2. North Tyneside's July 2022 payments, whose "Procurement Classification" is the answer:
   5-fold cross-validated by line, and each supplier held out in turn; supplier name,
   "Purpose of Spend" as the description and the SeRCOP detailed expenditure code as the GL
   account. Most of its lines are two food wholesalers booked to "Equipment" (5023), as the
   cleaning suppliers are: a supplier never seen is the hard case there.
3. Time to train on every classified demo line (the database grouping included), and to
   classify a million lines: the product's way (group the lines in the database by supplier,
   description and GL account, and predict each distinct text once) and the model alone on a
   million line texts, one prediction per line.
Loads the demo (--if-empty) when run alone: never point it at a database you care about.
"""

import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from spend import learning  # noqa: E402
from spend.models import SpendLine  # noqa: E402
from spend.suggestions import GROUP, classified_texts  # noqa: E402

REAL_FILE = Path(
    os.environ.get(
        "BENCH_REAL_SPEND",
        Path(__file__).resolve().parents[2] / "shared/data/real-spend/northtyneside-2022-07.csv",
    )
)
MILLION = 1_000_000
GOAL_TOP1 = 0.90


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def _print_accuracy(name: str, accuracy: learning.Accuracy, goal: float | None = None):
    against = f" (goal >= {_percent(goal)})" if goal else ""
    print(
        f"{name}: top-1 {_percent(accuracy.top1)}{against}, top-3 {_percent(accuracy.top3)} "
        f"over {accuracy.lines:,} lines; the commonest category alone: "
        f"{_percent(accuracy.majority)}"
    )


def demo_examples():
    started = time.perf_counter()
    rows = list(
        classified_texts().values(
            "supplier__name", "description", "gl_account", "category_id", "lines"
        )
    )
    seconds = time.perf_counter() - started
    texts = [
        learning.line_text(r["supplier__name"], r["description"], r["gl_account"]) for r in rows
    ]
    labels = [r["category_id"] for r in rows]
    counts = [r["lines"] for r in rows]
    suppliers = [r["supplier__name"] for r in rows]
    return texts, labels, counts, suppliers, seconds


def bench_demo():
    texts, labels, counts, suppliers, grouping = demo_examples()
    lines = sum(counts)
    _print_accuracy(
        f"classifier, demo, 20 % of {lines:,} lines held out",
        learning.held_out_accuracy(texts, labels, counts, test_share=0.2, seed=0),
        GOAL_TOP1,
    )
    _print_accuracy(
        "classifier, demo, 5-fold by supplier (suppliers never seen)",
        learning.cross_validated_accuracy(texts, labels, folds=5, groups=suppliers, counts=counts),
    )
    started = time.perf_counter()
    classifier = learning.train(texts, labels, counts)
    training = time.perf_counter() - started
    print(
        f"classifier training on the demo's {lines:,} classified lines ({len(texts):,} distinct "
        f"texts, {len(classifier.labels)} categories): {grouping + training:.1f} s "
        f"(database grouping {grouping:.1f} s, learning {training:.1f} s)"
    )
    return classifier, texts


def bench_real_file():
    if not REAL_FILE.is_file():
        print(f"classifier, real file: {REAL_FILE} not found, skipped")
        return
    with REAL_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Procurement Classification"].strip()]
    texts = [
        learning.line_text(
            r["Supplier (Beneficiary) Name"],
            r["Purpose of Spend"],
            r["SeRCOP Detailed Expenditure Code"],
        )
        for r in rows
    ]
    labels = [r["Procurement Classification"].strip() for r in rows]
    suppliers = [r["Supplier (Beneficiary) Name"] for r in rows]
    # Lines with the same supplier, text and classification are one example with a count, as
    # the product groups them.
    grouped = Counter(zip(texts, labels, suppliers, strict=True))
    texts, labels, suppliers = (list(column) for column in zip(*grouped, strict=True))
    counts = list(grouped.values())
    name = f"classifier, {REAL_FILE.name} ({len(set(labels))} classifications)"
    _print_accuracy(
        f"{name}, 5-fold by line", learning.cross_validated_accuracy(texts, labels, counts)
    )
    # One fold per supplier: with a few suppliers carrying most lines, five folds by supplier
    # would hinge on which of them happen to share a fold.
    _print_accuracy(
        f"{name}, each supplier held out in turn (suppliers never seen)",
        learning.cross_validated_accuracy(
            texts, labels, counts, folds=len(set(suppliers)), groups=suppliers
        ),
    )
    print(f"{REAL_FILE.name}: {sum(counts):,} lines, {len(texts):,} distinct texts")


def bench_classify_million(classifier, texts):
    lines = SpendLine.objects.count()
    started = time.perf_counter()
    groups = list(
        SpendLine.objects.values(*GROUP, "supplier__name")
        .annotate(lines=Count("id"), spend=Sum("amount"))
        .order_by()
    )
    grouping = time.perf_counter() - started
    started = time.perf_counter()
    learning.suggest(
        classifier,
        [
            learning.line_text(g["supplier__name"], g["description"], g["gl_account"])
            for g in groups
        ],
    )
    predicting = time.perf_counter() - started
    print(
        f"classifying the demo's {lines:,} lines the product's way: {grouping + predicting:.1f} s "
        f"(database grouping into {len(groups):,} texts {grouping:.1f} s, suggestions "
        f"{predicting:.1f} s)"
    )
    million = (texts * (MILLION // max(1, len(texts)) + 1))[:MILLION]
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, MILLION, 100_000):
        learning.probabilities(classifier, million[start : start + 100_000])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # The processor time beside the wall time: on a shared machine the wall time also counts
    # the other processes' turns.
    print(
        f"classifying {MILLION:,} line texts one by one (the model alone): {seconds:.1f} s "
        f"({MILLION / seconds:,.0f} lines/s), {cpu:.1f} s of processor time"
    )


def bench_classifier():
    """Every figure above, on the demo already loaded."""
    classifier, texts = bench_demo()
    bench_real_file()
    bench_classify_million(classifier, texts)


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    call_command(
        "load_demo",
        lines=int(os.environ.get("BENCH_LINES", MILLION)),
        if_empty=True,
        verbosity=0,
        stdout=open(os.devnull, "w"),
    )
    bench_classifier()
