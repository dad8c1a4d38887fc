"""The maturity model's starting wording: per dimension, what each level looks like and the
statement a category manager answers yes or no to reach it. A data migration writes it once;
administrators then edit it in the admin. Transactional tests (the browser's) flush it, so
`ensure_maturity_model` can write it again."""

from portfolio.maturity import DIMENSIONS

# dimension key: [(descriptor, statement to reach the level)], levels 1..5.
WORDING = {
    "stakeholder_focus": [
        ("Procurement buys what is asked for; business units are requesters, not customers.", ""),
        (
            "Requests are logged and service levels tracked, but what units value is not asked.",
            "We know which business units buy the category and who speaks for each.",
        ),
        (
            "The largest units are consulted before sourcing events, mainly on price and volume.",
            "The units holding most of the spend have told us what they value.",
        ),
        (
            "Every buying unit's priorities over the value drivers are recorded and shape the "
            "sourcing strategy.",
            "Every buying unit has stated its priorities and the strategy answers them.",
        ),
        (
            "Units are customers whose satisfaction is measured and acted on; procurement "
            "anticipates needs and no unhappy unit is left unattended.",
            "We measure the units' satisfaction every round and act on every void.",
        ),
    ],
    "spend_insight": [
        ("Spend is known only from invoices and the ledger, unclassified.", ""),
        (
            "Spend is classified to categories and reported monthly.",
            "Twelve months of the category's spend are classified and reported.",
        ),
        (
            "Spend is analysed by supplier, unit and trend; consolidation opportunities are "
            "visible.",
            "We know the category's supplier concentration and where spend is fragmented.",
        ),
        (
            "Spend analysis feeds the category's positioning (Kraljic) and supplier "
            "segmentation, reviewed by the owner.",
            "The category's Kraljic position and supplier segments are reviewed and current.",
        ),
        (
            "Spend is read together with market intelligence, total cost of ownership and the "
            "units' demand forecasts.",
            "We combine spend with market, cost-model and demand insight to anticipate change.",
        ),
    ],
    "category_planning": [
        ("No plan: purchases are made as requests arrive.", ""),
        (
            "A yearly list of contracts to renew and tenders to run.",
            "We keep a calendar of renewals and sourcing events for the category.",
        ),
        (
            "A written category plan with savings targets, approved by the CPO.",
            "The category has a written plan with targets, approved by the CPO.",
        ),
        (
            "The plan weighs several levers (demand, specification, consolidation, supplier "
            "development) against the units' priorities, with initiatives and owners.",
            "The plan's initiatives use levers beyond price and are tracked through stage gates.",
        ),
        (
            "A multi-year category strategy, endorsed by the units, whose delivered value is "
            "measured and fed back into the next plan.",
            "The units endorse the plan and realised value is measured against it.",
        ),
    ],
    "supplier_relationships": [
        ("Suppliers are chosen per order; every relationship is transactional.", ""),
        (
            "Suppliers are approved and segmented; the supply base is being rationalised.",
            "The category's suppliers are segmented (strategic, preferred, approved, ...).",
        ),
        (
            "Key suppliers have scorecards and regular performance reviews.",
            "Our key suppliers are reviewed against scorecards at least twice a year.",
        ),
        (
            "Strategic partners have relationship plans with joint objectives and governance.",
            "Every strategic partner has a relationship plan with joint objectives.",
        ),
        (
            "Partners co-develop products and improvements; time goes to the partners who "
            "create value, not only to those causing trouble.",
            "Most of our supplier time goes to strategic partners and produces joint innovation.",
        ),
    ],
    "value_beyond_savings": [
        ("Success is price paid; no savings are tracked.", ""),
        (
            "Hard savings against last price are tracked and reported.",
            "We track hard savings against a baseline.",
        ),
        (
            "Cost avoidance and total cost of ownership are counted beside hard savings.",
            "We count cost avoidance and total cost, not only price reductions.",
        ),
        (
            "Initiatives are judged on their effect on the units' value drivers (quality, "
            "speed, risk, innovation, sustainability) as well as on money.",
            "Each initiative's effect on the units' value drivers is weighed with its savings.",
        ),
        (
            "Procurement creates value for the business: revenue, innovation and risk "
            "reduction make up a large share of what it delivers.",
            "A large share of the category's delivered value is not hard savings.",
        ),
    ],
    "collaboration_governance": [
        ("Procurement works alone; decisions are made by whoever signs the order.", ""),
        (
            "Policies and approval limits are in place and followed.",
            "Purchasing follows agreed policies and approval limits.",
        ),
        (
            "Cross-functional teams are formed for large sourcing events.",
            "The units join the sourcing team for the category's larger events.",
        ),
        (
            "Regular meetings with every buying unit; service agreements and plan reviews with "
            "the CPO.",
            "We meet every buying unit about the category at least twice a year.",
        ),
        (
            "Joint governance with the business: shared objectives, endorsed plans, and "
            "procurement sitting where business decisions are made.",
            "The units co-own the category's objectives and review its results with us.",
        ),
    ],
}


def ensure_maturity_model(dimension_model, descriptor_model):
    """Write any dimension or level wording that is missing, leaving edited rows alone. Takes
    the model classes so a migration can pass its historical models."""
    for order, (key, name) in enumerate(DIMENSIONS.items()):
        dimension, _ = dimension_model.objects.get_or_create(
            key=key, defaults={"name": name, "order": order}
        )
        for level, (descriptor, question) in enumerate(WORDING[key], start=1):
            descriptor_model.objects.get_or_create(
                dimension=dimension,
                level=level,
                defaults={"descriptor": descriptor, "question": question},
            )
