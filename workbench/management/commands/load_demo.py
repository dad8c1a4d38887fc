"""`manage.py load_demo`: write the demo company (workbench.demo) to the database.

Everything goes in one transaction, so a failed load leaves nothing behind. Spend lines are
made in numpy blocks and written with COPY on PostgreSQL and executemany on SQLite, which keeps
a million lines to a few minutes.
"""

import hashlib
import resource
import sys
import time
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, ProtectedError, RestrictedError

from categories.models import Category
from opportunities import demo as opportunities_demo
from plans import demo as plans_demo
from portfolio import demo as portfolio_demo
from spend import partitions
from spend.models import ImportBatch, SpendLine
from spend.summary import refresh_spend_summary
from stakeholders import demo as stakeholder_demo
from stakeholders.models import BusinessUnit, ValueDriver
from suppliers import demo as supplier_demo
from suppliers.models import Supplier
from suppliers.names import normalise
from workbench import demo

# The SpendLine fields the loader fills, in the order the rows are built.
SPEND_FIELDS = (
    "date",
    "amount",
    "original_amount",
    "currency",
    "supplier",
    "category",
    "business_unit",
    "description",
    "document_reference",
    "import_batch",
)
SQLITE_BATCH = 50_000


class Command(BaseCommand):
    help = (
        "Load the demo company: business units, a three-level category tree, suppliers, value "
        "drivers, demo logins and two years of spend lines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lines", type=int, default=demo.DEFAULT_LINES, help="Spend lines to generate."
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="Same seed, same company."
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="If the database already holds data, leave it and just print the logins.",
        )
        existing.add_argument(
            "--reset",
            action="store_true",
            help="Delete spend, categories, suppliers, units, value drivers and demo users first.",
        )

    def handle(self, *args, lines, seed, if_empty, reset, **options):
        self.verbosity = options["verbosity"]
        if lines < 1:
            raise CommandError("--lines must be at least 1.")
        if seed < 0:
            raise CommandError("--seed must be zero or more.")
        if not reset and database_holds_data():
            if if_empty:
                self.stdout.write("The database already holds data; the demo was not loaded.")
                self.print_logins(existing_only=True)
                return
            raise CommandError(
                "The database already holds categories, suppliers or spend; use --reset to "
                "replace them with the demo company, or --if-empty to leave them."
            )
        if settings.BASE_CURRENCY != demo.BASE_CURRENCY:
            problem = (
                f"The demo company keeps its books in {demo.BASE_CURRENCY} but BASE_CURRENCY "
                f"is {settings.BASE_CURRENCY}; unset it or set it to {demo.BASE_CURRENCY}."
            )
            if if_empty:
                # `make run` passes --if-empty: start the app without a demo, don't block it.
                self.stderr.write(f"{problem} The demo was not loaded.")
                return
            raise CommandError(problem)

        started = time.monotonic()
        company = demo.build_company(seed)
        with transaction.atomic():
            if reset:
                delete_existing_data()
            total_pennies = load_company(company, lines, self.progress)
            refresh_spend_summary()
            supplier_demo.load(company.seed)  # reads the spend summary
            opportunities_demo.load()  # the approval thresholds planted invoices sit under
            plans_demo.load()  # category plans in every state; reads the summary and priorities
            # Responses to the past rounds' concerns link to the plans' initiatives.
            stakeholder_demo.load_concern_responses(company.seed)
            portfolio_demo.load(company.seed)  # last: judges what the others wrote
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses at a table that just grew a million rows.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(SpendLine._meta.db_table)}")
        self.print_summary(company, lines, total_pennies, time.monotonic() - started)
        self.print_logins()
        # Lines are made and written a block at a time, so this stays flat as --lines grows
        # (`make bench` reads it at ten million).
        self.stdout.write(f"Peak memory (RSS): {peak_rss_mb():,.0f} MB")

    def progress(self, written: int, lines: int):
        if self.verbosity >= 2:
            self.stdout.write(f"  {written:,} of {lines:,} spend lines written")

    def print_summary(self, company, lines, total_pennies, seconds):
        total = Decimal(int(total_pennies)).scaleb(-2)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {company.name} (seed {company.seed}) in {seconds:.1f} s:")
        )
        self.stdout.write(
            f"  {len(company.units)} business units, {len(company.categories)} categories "
            f"({len(company.leaves)} leaves), {len(company.value_drivers)} value drivers"
        )
        self.stdout.write(
            f"  {len(company.suppliers):,} suppliers, {lines:,} spend lines, "
            f"{demo.BASE_CURRENCY} {total:,.2f} from {demo.FIRST_DAY:%d %b %Y} "
            f"to {demo.LAST_DAY:%d %b %Y}"
        )

    def print_logins(self, existing_only=False):
        people = demo.PEOPLE
        if existing_only:
            present = set(
                get_user_model()
                .objects.filter(username__in=demo.DEMO_USERNAMES)
                .values_list("username", flat=True)
            )
            people = [person for person in people if person.username in present]
            if not people:
                return
        unit_names = {unit.code: unit.name for unit in demo.UNITS}
        self.stdout.write(f"Demo logins (every password is {demo.DEMO_PASSWORD}):")
        for person in people:
            detail = f"{person.role}: {person.full_name}"
            if person.leads:
                detail += ", " + ", ".join(unit_names[code] for code in person.leads)
            self.stdout.write(f"  {person.username} / {demo.DEMO_PASSWORD}  ({detail})")


def peak_rss_mb() -> float:
    # VmHWM is this process's own high-water mark; ru_maxrss on Linux also carries the RSS
    # of the parent it was forked from.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 / (1024 if sys.platform == "darwin" else 1)  # macOS counts bytes


def database_holds_data() -> bool:
    """Whether loading would collide with what is there (codes, names and batches are unique)."""
    return any(
        model.objects.exists()
        for model in (SpendLine, ImportBatch, Category, Supplier, BusinessUnit)
    )


def delete_existing_data():
    """Clear the way for a fresh demo: all spend, the taxonomy, suppliers, units, drivers and
    the demo logins (other users stay)."""
    try:
        if partitions.is_partitioned():
            with connection.cursor() as cursor:
                for name in partitions.batch_partitions(cursor):
                    cursor.execute(f"DROP TABLE {connection.ops.quote_name(name)}")
        SpendLine.objects.all().delete()
        ImportBatch.objects.all().delete()
        # Parents are protected while they have children, so the tree goes leaves first.
        for depth in sorted(set(Category.objects.values_list("depth", flat=True)), reverse=True):
            Category.objects.filter(depth=depth).delete()
        Supplier.objects.all().delete()
        BusinessUnit.objects.all().delete()
        ValueDriver.objects.all().delete()
        get_user_model().objects.filter(username__in=demo.DEMO_USERNAMES).delete()
    except (ProtectedError, RestrictedError) as error:
        blockers = sorted({type(obj)._meta.verbose_name for obj in error.protected_objects})
        raise CommandError(
            f"--reset cannot delete the existing data: {', '.join(blockers)} still refer to it."
        ) from None


def load_company(company: demo.DemoCompany, lines: int, progress=None) -> int:
    """Write the whole company; returns the total spend in pennies."""
    users = create_people(company.people)
    units = create_units(company.units, company.people, users)
    create_value_drivers(company.value_drivers)
    categories = create_categories(company.categories, company.people, users)
    supplier_ids = create_suppliers(company.suppliers)
    batch = ImportBatch.objects.create(
        source=f"demo generator seed {company.seed}",
        content_hash=hashlib.sha256(f"demo:{company.seed}:{lines}".encode()).hexdigest(),
        line_count=lines,
    )
    ids = LineIds(
        supplier=supplier_ids,
        leaf=np.array([categories[leaf.code].pk for leaf in company.leaves]),
        unit=np.array([units[unit.code].pk for unit in company.units]),
        batch=batch.pk,
    )
    stakeholder_demo.load(company.seed)
    return write_spend(company, lines, ids, progress)


def create_people(people) -> dict:
    """The demo logins, all with one password (hashed once: hashing is slow on purpose)."""
    password = make_password(demo.DEMO_PASSWORD)
    users = {}
    for person in people:
        user, _ = get_user_model().objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "password": password,
                "is_active": True,
                "is_staff": person.is_admin,
                "is_superuser": person.is_admin,
            },
        )
        group, _ = Group.objects.get_or_create(name=person.role)
        user.groups.set([group])
        users[person.username] = user
    return users


def create_units(unit_specs, people, users) -> dict:
    units = BusinessUnit.objects.bulk_create(
        [BusinessUnit(code=spec.code, name=spec.name) for spec in unit_specs]
    )
    by_code = {unit.code: unit for unit in units}
    for person in people:
        for code in person.leads:
            by_code[code].leads.add(users[person.username])
    return by_code


def create_value_drivers(driver_specs):
    for spec in driver_specs:
        ValueDriver.objects.update_or_create(
            name=spec.name,
            defaults={"description": spec.description, "order": spec.order, "active": True},
        )


def create_categories(category_specs, people, users) -> dict:
    """The tree, parents first; each manager owns whole top-level subtrees."""
    owner_of_top = {top: users[person.username] for person in people for top in person.owns}
    by_code = {}
    for spec in category_specs:
        category = Category(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            parent=by_code.get(spec.parent_code),
            owner=owner_of_top.get(spec.top_code),
        )
        category.save()  # save() works out path and depth from the parent
        by_code[spec.code] = category
    return by_code


def create_suppliers(book: demo.SupplierBook) -> np.ndarray:
    """Suppliers in bulk; returns their ids in the book's order."""
    suppliers = Supplier.objects.bulk_create(
        [
            Supplier(
                name=book.names[index],
                # bulk_create skips save(), which is where this is normally set.
                normalised_name=normalise(book.names[index]),
                country=book.countries[index],
                identifiers=book.identifiers(index),
            )
            for index in range(len(book))
        ],
        batch_size=500,
    )
    return np.array([supplier.pk for supplier in suppliers])


@dataclass(frozen=True)
class LineIds:
    """Database ids for the generator's indices: supplier, leaf and unit arrays, one batch."""

    supplier: np.ndarray
    leaf: np.ndarray
    unit: np.ndarray
    batch: int


def spend_columns() -> list[str]:
    """Column names for SPEND_FIELDS, from the model so a renamed column cannot drift."""
    meta = SpendLine._meta
    unfilled = [
        field.name
        for field in meta.concrete_fields
        if not field.primary_key
        and field.name not in SPEND_FIELDS
        and not field.null
        and field.db_default is NOT_PROVIDED
    ]
    if unfilled:
        raise CommandError(f"load_demo does not fill SpendLine.{', '.join(unfilled)}; update it.")
    return [meta.get_field(name).column for name in SPEND_FIELDS]


def _money(pennies: np.ndarray) -> list[str]:
    # Exact: a float of pennies / 100 prints back to the same two decimals below 10^13.
    return [f"{value:.2f}" for value in (pennies / 100).tolist()]


def spend_rows(company, chunk: demo.SpendChunk, ids: LineIds) -> list[list]:
    """The chunk as columns in SPEND_FIELDS order, in plain Python values."""
    return [
        chunk.date.astype(str).tolist(),
        _money(chunk.amount_pennies),
        _money(chunk.original_pennies),
        np.array(demo.CURRENCIES)[chunk.currency].tolist(),
        ids.supplier[chunk.supplier].tolist(),
        ids.leaf[chunk.leaf].tolist(),
        ids.unit[chunk.unit].tolist(),
        demo.line_descriptions(company, chunk),
        demo.document_references(chunk),
        [ids.batch] * len(chunk),
    ]


def write_spend(company, lines: int, ids: LineIds, progress=None) -> int:
    """Generate and write the spend lines block by block; returns the total in pennies."""
    table = connection.ops.quote_name(SpendLine._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in spend_columns())
    write = _insert_block
    if connection.vendor == "postgresql":
        write = _copy_block
        texts = company.invoice_texts + company.credit_texts
        if any(char in text for text in texts for char in "\t\n\\"):
            raise CommandError("A demo line description holds a tab, newline or backslash.")
    total, written = 0, 0
    with connection.cursor() as cursor:
        partitioned = partitions.is_partitioned()
        if partitioned:  # the demo batch becomes a partition, as an imported batch does
            table = connection.ops.quote_name(partitions.new_batch_table(cursor, ids.batch))
        for chunk in demo.generate_spend(company, lines):
            write(cursor, table, columns, spend_rows(company, chunk, ids))
            total += int(chunk.amount_pennies.sum())
            written += len(chunk)
            if progress:
                progress(written, lines)
        if partitioned:
            partitions.index_and_check_batch_table(cursor, ids.batch)
            partitions.attach_batch_table(cursor, ids.batch)
    return total


def _copy_block(cursor, table, columns, rows):
    # COPY text format: tab-separated, one line per row. Nothing generated holds a tab,
    # newline or backslash (leaf names and references are fixed text), so no escaping needed.
    text = "\n".join("\t".join(map(str, row)) for row in zip(*rows, strict=True)) + "\n"
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def _insert_block(cursor, table, columns, rows):
    placeholders = ", ".join(["%s"] * len(rows))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    records = list(zip(*rows, strict=True))
    for start in range(0, len(records), SQLITE_BATCH):
        cursor.executemany(sql, records[start : start + SQLITE_BATCH])
