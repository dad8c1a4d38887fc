"""Spend files in: reading, column mapping, row validation and supplier matching are pure
functions (plain values in and out, no ORM) in this package; `storing.py` writes to the
database and `tasks.py` runs a job in the background."""
