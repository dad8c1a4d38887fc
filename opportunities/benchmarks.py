"""The saving rates the finder quotes until an administrator sets the company's own, and where
each default comes from. A range, not a point: a finding is a lead to be validated, and the
plan's initiative form is where the manager commits to a figure."""

from dataclasses import dataclass
from decimal import Decimal

FRAGMENTATION = "fragmentation"
TAIL_SPEND = "tail_spend"
OFF_CONTRACT = "off_contract"
JUST_UNDER_THRESHOLD = "just_under_threshold"
CONTRACT_ENDING = "contract_ending"
DRIFT = "drift"

KINDS = [
    (FRAGMENTATION, "Fragmented supply base"),
    (TAIL_SPEND, "Tail spend"),
    (OFF_CONTRACT, "Off-contract spend"),
    (JUST_UNDER_THRESHOLD, "Invoices just under an approval threshold"),
    (CONTRACT_ENDING, "Contract ending within its notice period"),
    (DRIFT, "Price or volume drift"),
]
KIND_NAMES = dict(KINDS)


@dataclass(frozen=True)
class Rate:
    low: Decimal
    high: Decimal
    source: str


DEFAULT_RATES = {
    FRAGMENTATION: Rate(
        Decimal("0.05"),
        Decimal("0.10"),
        "5–10 %: what traditional strategic sourcing (consolidating volume and going to "
        "market) achieves on addressable spend, per Everest Group as quoted in Genpact, "
        "“Tail-end spend: reaping significant savings with the right operating model”.",
    ),
    TAIL_SPEND: Rate(
        Decimal("0.05"),
        Decimal("0.10"),
        "5–10 %: Boston Consulting Group found 27 % of companies that optimised tail spend "
        "saved 5–10 % a year on it, and 30 % saved 10 % or more (BCG tail-spend survey, as "
        "quoted by CloudEagle, “How to reduce tail spend”, 2023).",
    ),
    OFF_CONTRACT: Rate(
        Decimal("0.05"),
        Decimal("0.15"),
        "5–15 %: the contract discount the spend misses. Published illustrations use a 20 % "
        "gap between contract and list price (CostDefender, “The off-contract spend "
        "problem”); the default stays below it because not every line can move to the "
        "contract.",
    ),
    JUST_UNDER_THRESHOLD: Rate(
        Decimal("0.02"),
        Decimal("0.05"),
        "2–5 %: the potential Everest Group puts on unmanaged spend brought under management "
        "(quoted in Genpact, “Tail-end spend”); split purchases are unmanaged by design.",
    ),
    CONTRACT_ENDING: Rate(
        Decimal("0.03"),
        Decimal("0.08"),
        "3–8 %: a workbench assumption below the 5–10 % of a full sourcing event (Everest "
        "Group via Genpact), since a renewal often stays with the incumbent. Set your own.",
    ),
    DRIFT: Rate(
        Decimal("0.02"),
        Decimal("0.05"),
        "2–5 %: a workbench assumption, the lower end of the Everest Group range for spend "
        "brought back under management (via Genpact, “Tail-end spend”). Set your own.",
    ),
}


def default_rates_help() -> str:
    """The defaults and their sources in one paragraph, for the administrator's form."""
    return " ".join(f"{KIND_NAMES[kind]}: {rate.source}" for kind, rate in DEFAULT_RATES.items())
