"""A small ledger for the classifier: lines the team has classified, and lines from suppliers
nobody has classified yet whose words match them."""

import datetime
from decimal import Decimal

from spend.models import SpendLine
from suppliers.models import Supplier

DAY = datetime.date(2026, 3, 2)


def add_lines(company, supplier, description, count, *, category=None, amount="100", gl=""):
    SpendLine.objects.bulk_create(
        SpendLine(
            date=DAY,
            amount=Decimal(amount),
            original_amount=Decimal(amount),
            currency="GBP",
            supplier=supplier,
            category=category,
            business_unit=company.manufacturing,
            description=description,
            gl_account=gl,
        )
        for _ in range(count)
    )


def add_ledger(company) -> dict:
    """29 classified lines over hardware, software and cleaning; 6 unclassified lines of three
    new suppliers (by name), whose descriptions are those of a hardware, a cleaning and a
    software line."""
    dell, softcat, bright = company.suppliers
    add_lines(company, dell, "Laptop Latitude", 6, category=company.hardware, gl="6100")
    add_lines(company, dell, "Monitor 27 inch", 4, category=company.hardware, gl="6100")
    add_lines(company, softcat, "Microsoft 365 licences", 6, category=company.software, gl="6150")
    add_lines(company, softcat, "Adobe subscription", 3, category=company.software, gl="6150")
    add_lines(company, bright, "Window cleaning", 6, category=company.cleaning, gl="6300")
    add_lines(company, bright, "Office cleaning contract", 4, category=company.cleaning, gl="6300")
    new = {
        name: Supplier.objects.create(name=name, country="GB")
        for name in ("Currys Business", "Sparkle Services", "Adobe Systems")
    }
    add_lines(company, new["Currys Business"], "Laptop Latitude", 3, amount="900")
    add_lines(company, new["Sparkle Services"], "Window cleaning", 2, amount="250")
    add_lines(company, new["Adobe Systems"], "Adobe subscription", 1, amount="40")
    return new
