"""Which existing supplier a name in a file is: exactly (same normalised name), by a known
alias, fuzzily when the two names can only be one organisation, or a new supplier.

A fuzzy match moves money: the file's lines land on the other supplier. So a match is accepted
on its own only when the names differ in nothing that could name another organisation
(spacing and punctuation, an export cutting the last word short, "UK" or "the"). Any other near
match (a typo, words in another order, an extra "North East", a reference differing by a digit)
is not certain: the name becomes a supplier of its own and the match comes back as a suggestion
for a person to review (`SupplierMatch.suggested_id` / `suggested_same_as`, with `doubt` saying
why)."""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from suppliers.names import LEGAL_SUFFIXES

# token_sort_ratio on normalised names: 85 finds "Dell Technologies UK" for "Dell
# Technologies", truncations like "PREPAID FINANCIAL SERVICES L" and "Acme North" beside "Acme
# North East" (as a suggestion), not "Dell" for "Bell". A candidate above it is accepted alone
# only when `doubt_about` finds nothing; else it is a suggestion, which moves no money.
FUZZY_THRESHOLD = 85.0
EXACT, ALIAS, FUZZY, NEW = "exact", "alias", "fuzzy", "new"
# Words that say where or how big a company is, not which one: "Dell Technologies UK" is Dell.
# Only for finding candidates: whether a match is certain is `doubt_about`'s business.
QUALIFIERS = frozenset(
    {"uk", "gb", "europe", "emea", "international", "group", "holdings", "the", "of", "and"}
)
# Words whose presence or absence never makes another organisation: "The David Lewis Centre" is
# "David Lewis Centre", "Womble Bond Dickinson (UK)" is "Womble Bond Dickinson". "Group",
# "Holdings", "Europe" are left out: a group and its trading company are separate bodies.
SAME_ORGANISATION_WORDS = frozenset({"the", "uk", "gb", "of", "and"})
# An export that cuts names at a fixed width cuts long names; below this the "cut" is as likely
# a different, shorter name ("Sense" and "Sensei").
SHORTEST_CUT_NAME = 12
LEGAL_FORM_WORDS = frozenset(word for suffix in LEGAL_SUFFIXES for word in suffix.split())
# A dangling "L" is the start of "Limited", and a name with no spelling to check is cut short,
# only where a fixed-width export cut a long name.
LEGAL_FORM_CUT_NAME = 25


@dataclass(frozen=True)
class SupplierMatch:
    how: str
    supplier_id: int | None
    score: float = 100.0
    # A fuzzy match to another name new in the same file: its normalised name.
    same_as: str = ""
    # A NEW name that is probably another spelling of an existing supplier (suggested_id) or of
    # another name new in this file (suggested_same_as), and why it was not accepted alone.
    suggested_id: int | None = None
    suggested_same_as: str = ""
    doubt: str = ""


def match_suppliers(
    names: dict, existing: dict, aliases: dict, threshold: float = FUZZY_THRESHOLD
) -> dict:
    """`names`: normalised name → name as the file spells it. `existing` and `aliases`:
    normalised name → supplier id. Returns normalised name → SupplierMatch. Names new to the
    database are matched against each other too, longest first, so a file's truncated
    spellings of a new supplier become one supplier. A near match that is not certain comes
    back NEW with the suggestion on it."""
    choices = list(existing)
    matches = {}
    for normalised in sorted(names, key=lambda name: (-len(name), name)):
        if normalised in existing:
            matches[normalised] = SupplierMatch(EXACT, existing[normalised])
            continue
        if normalised in aliases:
            matches[normalised] = SupplierMatch(ALIAS, aliases[normalised])
            continue
        candidates = [
            (candidate, score)
            for candidate, score, _ in process.extract(
                normalised, choices, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=5
            )
            if words_agree(normalised, candidate)
        ]
        if len(normalised) < 4 or not candidates:
            matches[normalised] = SupplierMatch(NEW, None, 0.0)
            choices.append(normalised)
            continue
        certain = next(
            (
                (candidate, score)
                for candidate, score in candidates
                if not doubt_about(normalised, candidate, names[normalised])
            ),
            None,
        )
        if certain:
            matched, score = certain
            matches[normalised] = SupplierMatch(
                FUZZY,
                existing.get(matched),
                round(score, 1),
                "" if matched in existing else matched,
            )
            continue
        suggested, score = candidates[0]
        matches[normalised] = SupplierMatch(
            NEW,
            None,
            round(score, 1),
            suggested_id=existing.get(suggested),
            suggested_same_as="" if suggested in existing else suggested,
            doubt=doubt_about(normalised, suggested, names[normalised]),
        )
        choices.append(normalised)
    return matches


def doubt_about(name: str, other: str, spelling: str = "") -> str:
    """Why two normalised names might be two organisations, in words; "" when they cannot be.
    `spelling` is `name` as the file spells it, when known.

    Certain: the same letters and digits apart from spaces ("barnardo s", "barnardos"); words
    that never make another organisation ("the", "uk"); or one name cut short by an export in
    the middle of its last word, with nothing after that word in the other ("prepaid financial
    servic", "prepaid financial services"). Everything else is for a person."""
    words, other_words = _significant(name), _significant(other)
    if words == other_words or "".join(words) == "".join(other_words):
        return ""
    if _cut_short(name, other, spelling) or _cut_short(other, name, ""):
        return ""
    if sorted(words) == sorted(other_words):
        return "the same words in another order"
    if [_letters(word) for word in words] == [_letters(word) for word in other_words]:
        return "reference-like names differing by a number"
    shorter, longer = sorted((words, other_words), key=len)
    if set(shorter) <= set(longer):
        extra = [word for word in longer if word not in shorter]
        return f"one name has words the other lacks: {' '.join(extra)}"
    differing = [word for word in words if word not in other_words]
    other_differing = [word for word in other_words if word not in words]
    return f"spelt differently: {' '.join(differing) or '-'} / {' '.join(other_differing) or '-'}"


def _significant(name: str) -> list:
    return [word for word in name.split() if word not in SAME_ORGANISATION_WORDS]


def _letters(word: str) -> str:
    return "".join(character for character in word if not character.isdigit())


def _cut_short(cut_name: str, whole_name: str, spelling: str) -> bool:
    """`cut_name` is `whole_name` cut inside its last word, as fixed-width exports cut names:
    every word but the last the same, the last a beginning of the other's last word (not the
    whole word: a cut exactly between words may have dropped a "North East"), no digit in the
    cut word (a reference "Lot 1" is not "Lot 12"), and, when the file's spelling is known,
    nothing after the cut word ("GAINFORD CARE HOME LTD" was not cut: it is another name than
    "Gainford Care Homes"). Without the spelling, only a long name counts as cut, as exports
    cut at a fixed width: "Acme Care" may be a name of its own beside "Acme Careers"."""
    cut, whole = cut_name.split(), whole_name.split()
    if cut and len(cut) == len(whole) + 1 and len(cut_name) >= LEGAL_FORM_CUT_NAME:
        # "RAINBOW HOUSE PRIVATE DAY NURSERY L": the start of "Limited" left by the cut.
        if "limited".startswith(cut[-1]) or "ltd".startswith(cut[-1]):
            return cut[:-1] == whole
    if len(cut) < 2 or len(cut) != len(whole) or cut[:-1] != whole[:-1]:
        return False
    if len(cut_name) < SHORTEST_CUT_NAME or any(character.isdigit() for character in cut[-1]):
        return False
    if cut[-1] == whole[-1] or not whole[-1].startswith(cut[-1]):
        return False
    last = re.findall(r"[a-z0-9]+", spelling.lower())[-1:]
    if last:
        return last[0] not in LEGAL_FORM_WORDS
    return len(cut_name) >= LEGAL_FORM_CUT_NAME


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
        elif len(word) == 1 and any(len(other_word) == 1 for other_word in other_words):
            # Initials name the firm: "J & M Travel" is not "K & H Travel".
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
