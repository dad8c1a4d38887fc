"""Which existing supplier a name in a file is: exactly (same normalised name), by a known
alias, or fuzzily (rapidfuzz) above a threshold; otherwise a new supplier."""

from dataclasses import dataclass

from rapidfuzz import fuzz, process

# token_sort_ratio on normalised names: 90 accepts "Dell Technologies UK" for "Dell
# Technologies" and truncations like "PREPAID FINANCIAL SERVICES L", not "Dell" for "Bell".
FUZZY_THRESHOLD = 90.0
EXACT, ALIAS, FUZZY, NEW = "exact", "alias", "fuzzy", "new"
# Words that say where or how big a company is, not which one: "Dell Technologies UK" is Dell.
QUALIFIERS = frozenset(
    {"uk", "gb", "europe", "emea", "international", "group", "holdings", "the", "of", "and"}
)


@dataclass(frozen=True)
class SupplierMatch:
    how: str
    supplier_id: int | None
    score: float = 100.0
    # A fuzzy match to another name new in the same file: its normalised name.
    same_as: str = ""


def match_suppliers(
    names: dict, existing: dict, aliases: dict, threshold: float = FUZZY_THRESHOLD
) -> dict:
    """`names`: normalised name → name as the file spells it. `existing` and `aliases`:
    normalised name → supplier id. Returns normalised name → SupplierMatch. Names new to the
    database are matched against each other too, longest first, so a file's truncated
    spellings of a new supplier become one supplier."""
    choices = list(existing)
    matches = {}
    for normalised in sorted(names, key=lambda name: (-len(name), name)):
        if normalised in existing:
            matches[normalised] = SupplierMatch(EXACT, existing[normalised])
        elif normalised in aliases:
            matches[normalised] = SupplierMatch(ALIAS, aliases[normalised])
        else:
            best = next(
                (
                    candidate
                    for candidate in process.extract(
                        normalised,
                        choices,
                        scorer=fuzz.token_sort_ratio,
                        score_cutoff=threshold,
                        limit=5,
                    )
                    if words_agree(normalised, candidate[0])
                ),
                None,
            )
            if best and len(normalised) >= 4:
                matched = best[0]
                matches[normalised] = SupplierMatch(
                    FUZZY,
                    existing.get(matched),
                    round(best[1], 1),
                    "" if matched in existing else matched,
                )
            else:
                matches[normalised] = SupplierMatch(NEW, None, 0.0)
                choices.append(normalised)
    return matches


def words_agree(name: str, other: str) -> bool:
    """Every word of `name` is in `other` nearly as spelled (a typo, or cut short as exports cut
    long names), and numbers exactly. A high overall score alone puts "Haworth Primary Academy"
    on "Oakworth Primary Academy", "RNIB Enterprises" on "RIBA Enterprises" and "SPV 2" on
    "SPV One": one distinctive word differs, and that word is the company."""
    other_words = other.split()
    for word in name.split():
        if word in QUALIFIERS:
            continue
        if word.isdigit():
            if word not in other_words:
                return False
        elif len(word) > 1 and not any(
            fuzz.ratio(word, candidate) >= 85
            or (len(word) >= 3 and candidate.startswith(word))
            or (
                len(candidate) >= 3
                and word.startswith(candidate)
                and len(word) - len(candidate) <= 1
            )
            for candidate in other_words
        ):
            return False
    return True
