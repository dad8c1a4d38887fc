"""Supplier names as the matching sees them: one spelling per company."""

import re
import unicodedata

# Legal forms that say nothing about which company it is. Longest first, so "pvt ltd" goes
# before "ltd". Dots and commas are gone by the time these are matched.
LEGAL_SUFFIXES = sorted(
    {
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "as",
        "oy",
        "kg",
        "co",
        "corp",
        "corporation",
        "company",
        "pty",
        "pvt",
        "pty ltd",
        "pvt ltd",
        "co ltd",
        "gmbh co kg",
        "and co",
        "cic",
        "cio",
    },
    key=len,
    reverse=True,
)
_SUFFIX_PATTERN = re.compile(r"(?:\s(?:" + "|".join(map(re.escape, LEGAL_SUFFIXES)) + r"))+$")


def normalise(name: str) -> str:
    """Lower-case, accents and punctuation removed, '&' read as 'and', legal suffixes dropped.

    >>> normalise("ACME (UK) Ltd.")
    'acme uk'
    >>> normalise("Müller & Söhne GmbH & Co. KG")
    'muller and sohne'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # Dots go without a space so that "S.A." reads "sa" and "Co." reads "co".
    text = text.lower().replace(".", "").replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = " ".join(text.split())
    stripped = _SUFFIX_PATTERN.sub("", f" {text}").strip()
    # A name that is nothing but a legal form ("Company Ltd") keeps its words.
    return stripped or text


# Words of a payee withheld for privacy ("REDACTED PERSONAL DATA", "Private Individual", "Name
# withheld"): a name made only of these, or with "redacted" or "withheld" in it, is no company.
_REDACTION_MARKS = frozenset({"redacted", "withheld"})
_PRIVACY_WORDS = frozenset(
    {
        "personal",
        "data",
        "information",
        "info",
        "private",
        "individual",
        "individuals",
        "name",
        "details",
        "payee",
        "sensitive",
        "confidential",
        "not",
        "disclosed",
        "removed",
        "protected",
        "protection",
    }
)


def is_redacted(name: str) -> bool:
    """Whether a payee name stands for a person whose name the body withheld.

    >>> is_redacted("REDACTED - Personal Information"), is_redacted("REDACTIVE PUBLISHING LTD")
    (True, False)
    """
    words = normalise(name).split()
    if _REDACTION_MARKS & set(words):
        return True
    return bool(words) and set(words) <= _PRIVACY_WORDS and len(words) >= 2
