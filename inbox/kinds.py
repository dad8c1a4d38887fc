"""The kinds of news the workbench tells people about, each of which a person may have emailed
immediately, gathered into the weekly digest, or not sent at all (inbox.models.DeliveryPreference).

An *item* kind stays in the person's inbox while it waits on them (a round to answer, a plan to
endorse); a *news* kind is said once (a plan was approved). Some items arrive without an event
to email at once (supplier matches found one by one): those offer the digest or nothing."""

from dataclasses import dataclass

from workbench.permissions import (
    may_approve_plans,
    may_create_plans,
    may_import,
    may_manage_suppliers,
    units_led_by,
)

IMMEDIATELY = "immediately"
DIGEST = "digest"
NEVER = "never"
HOW_CHOICES = [
    (IMMEDIATELY, "Email me at once"),
    (DIGEST, "In the weekly digest"),
    (NEVER, "Don't email me"),
]

ROUND_OPENED = "round_opened"
ROUND_CLOSING = "round_closing"
PLAN_TO_ENDORSE = "plan_to_endorse"
PLAN_TO_APPROVE = "plan_to_approve"
PLAN_APPROVED = "plan_approved"
PLAN_OBJECTED = "plan_objected"
IMPORT_FINISHED = "import_finished"
CONTRACT_NOTICE = "contract_notice"
SUPPLIER_MATCHES = "supplier_matches"
CONCERNS_WAITING = "concerns_waiting"


def _leads_a_unit(user) -> bool:
    return units_led_by(user).exists()


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # Whether an event sends it at once; False for what only the digest gathers.
    immediate: bool
    # Said once (kept for the digest when the person chose it) rather than waiting in the inbox.
    news: bool
    concerns: object  # user -> bool: whether the kind can reach this person at all

    @property
    def choices(self):
        return HOW_CHOICES if self.immediate else [c for c in HOW_CHOICES if c[0] != IMMEDIATELY]


KINDS = [
    Kind(ROUND_OPENED, "A survey round asks your unit", True, False, _leads_a_unit),
    Kind(
        ROUND_CLOSING,
        "A round closes soon and your unit has not answered",
        True,
        False,
        _leads_a_unit,
    ),
    Kind(
        PLAN_TO_ENDORSE,
        "A plan affecting your unit awaits its endorsement",
        True,
        False,
        _leads_a_unit,
    ),
    Kind(PLAN_TO_APPROVE, "A plan awaits your approval", True, False, may_approve_plans),
    Kind(
        PLAN_APPROVED,
        "A plan you own or endorse is approved",
        True,
        True,
        lambda user: may_create_plans(user) or _leads_a_unit(user),
    ),
    Kind(
        PLAN_OBJECTED,
        "A unit objects to a plan you own or approve",
        True,
        True,
        lambda user: may_create_plans(user) or may_approve_plans(user),
    ),
    Kind(IMPORT_FINISHED, "Your import finished or failed", True, True, may_import),
    Kind(
        CONTRACT_NOTICE,
        "A contract in your categories nears its notice date",
        True,
        False,
        may_manage_suppliers,
    ),
    Kind(SUPPLIER_MATCHES, "Supplier matches wait for your review", False, False, may_import),
    Kind(
        CONCERNS_WAITING,
        "Units' concerns in your categories wait for your response",
        False,
        False,
        may_create_plans,
    ),
]
BY_CODE = {kind.code: kind for kind in KINDS}
CODE_CHOICES = [(kind.code, kind.label) for kind in KINDS]


def default_how(code: str) -> str:
    """Without a choice of their own, people hear at once what can be said at once."""
    return IMMEDIATELY if BY_CODE[code].immediate else DIGEST


def kinds_for(user) -> list[Kind]:
    """The kinds that can reach `user`, by the roles they hold."""
    return [kind for kind in KINDS if kind.concerns(user)]
