"""The demo company: a UK food and packaging manufacturer with two years of spend.

Everything here is plain data and numpy, with no database access, so the same seed always gives
the same company and the same spend lines. The `load_demo` command writes it to the database.

Money is held as whole pennies in int64 arrays: exact, quick to sum, and turned into
two-decimal text only when the lines are written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from suppliers.names import normalise
from workbench.roles import ADMINISTRATOR, BUSINESS_UNIT_LEAD, CATEGORY_MANAGER, CPO

COMPANY_NAME = "Harrowgate Foods & Packaging plc"
BASE_CURRENCY = "GBP"
DEMO_PASSWORD = "workbench-demo"

# Fixed dates rather than "the last two years", so a seed gives the same lines on any day.
FIRST_DAY = datetime.date(2024, 11, 1)
LAST_DAY = datetime.date(2026, 10, 31)
MONTH_COUNT = 24

DEFAULT_SEED = 7
DEFAULT_LINES = 100_000
DEFAULT_SUPPLIERS = 1_200
# Lines are made in blocks of this size, each from its own random stream: memory stays flat
# for a million lines, and a block can be made without making the ones before it.
CHUNK_LINES = 200_000

CURRENCIES = ("GBP", "EUR", "USD")
GBP, EUR, USD = range(3)
EURO_COUNTRIES = frozenset({"IE", "DE", "FR", "NL", "BE", "ES", "IT"})

# An average invoice line. With the default 100,000 lines over two years the company buys
# about GBP 180m a year, about right for a mid-sized UK food manufacturer.
MEAN_LINE_GBP = 3_600.0
# How unevenly a leaf category's spend falls on its suppliers (Zipf exponent by rank). Tuned
# so that 7-8% of all suppliers carry 80% of spend, the usual shape of a supply base.
SUPPLIER_RANK_EXPONENT = 2.2
# Big suppliers get both more invoices and bigger ones: a supplier's share of lines goes with
# its spend share to this power, and the invoice size makes up the rest.
LINE_SHARE_POWER = 0.55
AMOUNT_SIGMA = 0.8
CREDIT_NOTE_SHARE = 0.01
SECOND_CATEGORY_SHARE = 0.15
SECOND_CATEGORY_LINE_SHARE = 0.3
# Foreign suppliers that invoice in pounds anyway (UK subsidiaries, sterling price lists).
FOREIGN_INVOICE_IN_GBP = 0.3
ANNUAL_GROWTH = 0.04
# January to December. Food manufacturing: the run-up to Christmas is busy; December, January
# and August are quiet.
SEASONALITY = (0.92, 0.95, 1.02, 0.98, 1.00, 1.02, 1.00, 0.94, 1.05, 1.08, 1.10, 0.90)


# --- Business units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str


UNITS = (
    UnitSpec("MFG", "Manufacturing"),
    UnitSpec("SCL", "Supply Chain & Logistics"),
    UnitSpec("SAM", "Sales & Marketing"),
    UnitSpec("RND", "Research & Development"),
    UnitSpec("IT", "IT"),
    UnitSpec("FIN", "Finance"),
    UnitSpec("HR", "People (HR)"),
    UnitSpec("FAC", "Facilities"),
    UnitSpec("CS", "Customer Service"),
    UnitSpec("LEG", "Legal & Compliance"),
)
UNIT_CODES = tuple(unit.code for unit in UNITS)


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


def _weights(text: str) -> dict[str, float]:
    """Read "MFG 80, SCL 20" as {"MFG": 80.0, "SCL": 20.0}, so each table row fits one line."""
    pairs = (item.rsplit(" ", 1) for item in _words(text))
    return {key: float(value) for key, value in pairs}


# Which units buy from each top-level category (relative weights). Leaves may differ.
UNIT_MIX = {
    "DM": _weights("MFG 80, SCL 10, RND 10"),
    "PK": _weights("MFG 65, SCL 25, RND 5, SAM 5"),
    "LOG": _weights("SCL 75, MFG 10, SAM 8, CS 7"),
    "IT": _weights("IT 55, MFG 10, SCL 5, SAM 6, RND 5, FIN 5, HR 4, FAC 3, CS 5, LEG 2"),
    "MKT": _weights("SAM 85, CS 5, RND 5, HR 5"),
    "PS": _weights("FIN 30, LEG 25, RND 10, HR 10, IT 5, MFG 10, SAM 10"),
    "FM": _weights("FAC 60, MFG 25, SCL 10, HR 5"),
    "HR": _weights("HR 45, MFG 25, SCL 15, CS 5, SAM 5, FIN 5"),
    "TRV": _weights("SAM 35, MFG 10, SCL 15, RND 10, IT 5, FIN 5, HR 5, FAC 5, CS 5, LEG 5"),
    "EN": _weights("MFG 70, FAC 25, SCL 5"),
    "MRO": _weights("MFG 85, FAC 10, SCL 5"),
    "PS.ADV.LEGAL": _weights("LEG 80, HR 8, FIN 7, SAM 5"),
    "PS.ADV.AUDIT": _weights("FIN 90, LEG 10"),
    "PS.ENG.DESIGN": _weights("MFG 60, FAC 20, RND 20"),
    "PS.ENG.LAB": _weights("RND 45, MFG 40, LEG 15"),
    "FM.SOFT.CATER": _weights("HR 50, FAC 40, MFG 10"),
    "HR.TAL.TEMP": _weights("MFG 65, SCL 25, CS 5, HR 5"),
    "HR.BEN.PAYROLL": _weights("HR 70, FIN 30"),
    "TRV.FLEET.LEASE": _weights("SAM 40, SCL 25, MFG 20, FAC 15"),
    "TRV.FLEET.FUEL": _weights("SAM 45, SCL 30, MFG 15, FAC 10"),
}


# --- Category tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    """One node of the taxonomy. Leaves carry their relative share of the company's spend."""

    code: str
    name: str
    description: str
    parent_code: str | None
    spend_weight: float = 0.0
    unit_mix: dict[str, float] = field(default_factory=dict)
    trade_words: tuple[str, ...] = ()

    @property
    def top_code(self) -> str:
        return self.code.split(".")[0]


# "code | name | spend weight (leaves only)", then the scope on the indented line below.
CATEGORY_TABLE = """
DM | Direct materials
    Ingredients and raw materials that become part of the products we make and sell.
DM.ING | Food ingredients
    Everything edible that goes into a recipe, bought to specification for the production lines.
DM.ING.GRAIN | Flour & grains | 9
    Milled flour, oats, rice and whole grains delivered in bulk or bags to the bakeries.
DM.ING.DAIRY | Dairy & eggs | 7
    Milk, cream, butter, cheese and liquid or dried egg for chilled and baked products.
DM.ING.OILS | Edible oils & fats | 5
    Rapeseed and sunflower oil, shortenings and margarines, in tankers or IBCs.
DM.ING.SUGAR | Sugar & sweeteners | 4.5
    Granulated and liquid sugar, syrups and sweeteners for baked goods and sauces.
DM.ING.FLAV | Flavours & seasonings | 3
    Herbs, spices, flavourings, colours and seasoning blends made to our recipes.
DM.ING.FRUIT | Fruit & vegetables | 4
    Fresh, frozen and processed fruit and vegetables for fillings, ready meals and soups.
DM.RAW | Packaging raw materials
    Polymers, board and inks that our own packaging plants convert into finished packs.
DM.RAW.RESIN | Polymer resins | 6
    PET, PP and PE granulate for the thermoforming and film extrusion lines.
DM.RAW.BOARD | Paperboard & pulp | 4.5
    Folding boxboard, kraft liner and moulded pulp stock for carton converting.
DM.RAW.INK | Inks, coatings & adhesives | 1.8
    Printing inks, varnishes, barrier coatings and laminating adhesives.
PK | Packaging
    Finished packaging bought in to pack, protect and ship our products.
PK.PRI | Primary packaging
    Packs that touch the food and carry the brand.
PK.PRI.FILM | Flexible films & laminates | 3.5
    Printed flow-wrap, lidding films and pouches for chilled and ambient lines.
PK.PRI.RIGID | Rigid trays & pots | 2.5
    Thermoformed trays, pots and lids bought where our own plant lacks capacity.
PK.PRI.GLASS | Glass jars & bottles | 1.6
    Glass jars, bottles and closures for sauces and preserves.
PK.SEC | Secondary & transit packaging
    Outer cases, labels and pallets that get products to customers intact.
PK.SEC.CORR | Corrugated cases | 3.2
    Shipping cases, shelf-ready trays and display outers in corrugated board.
PK.SEC.LABEL | Labels | 1.2
    Self-adhesive product labels, pallet labels and thermal transfer ribbons.
PK.SEC.PALLET | Pallets & stretch wrap | 1.1
    New and reconditioned pallets, pallet pooling and stretch or shrink wrap.
LOG | Logistics
    Moving and storing goods between suppliers, our sites and customers.
LOG.FRT | Freight
    Transport of goods by road, sea and parcel networks.
LOG.FRT.ROAD | Road haulage | 5.5
    Full and part loads, ambient and temperature-controlled, across the UK and to Europe.
LOG.FRT.OCEAN | Ocean freight & forwarding | 2.2
    Container shipping, customs brokerage and freight forwarding for imports.
LOG.FRT.PARCEL | Parcel & courier | 0.9
    Next-day parcels, pallet networks and same-day couriers for samples and spares.
LOG.WH | Warehousing
    Storage and handling outside our own sites.
LOG.WH.3PL | Third-party warehousing | 2.4
    Outsourced ambient storage, picking and co-packing at contract warehouses.
LOG.WH.COLD | Cold storage | 1.6
    Chilled and frozen storage and blast freezing at third-party cold stores.
IT | IT & telecoms
    Technology the business runs on: devices, software, services and networks.
IT.HW | Hardware
    Physical IT equipment, bought or leased.
IT.HW.LAPTOPS | Laptops & desktops | 0.9
    End-user computers, docks and monitors, including imaging and delivery.
IT.HW.DC | Servers & storage | 0.7
    Servers, storage arrays and network switches for the data centre and sites.
IT.HW.OT | Factory IT & automation | 0.6
    Industrial PCs, scanners, label printers and line-side terminals.
IT.SW | Software
    Software bought as subscriptions or licences.
IT.SW.SAAS | SaaS subscriptions | 1.1
    Cloud software subscriptions billed per user or per month.
IT.SW.LIC | Licences & maintenance | 0.9
    Perpetual licences and annual support for ERP, MES and engineering software.
IT.SVC | IT services
    People and networks that keep IT running.
IT.SVC.MSP | Managed IT services | 1.2
    Outsourced service desk, infrastructure management and cyber-security monitoring.
IT.SVC.TEL | Telecoms & mobile | 0.7
    Fixed lines, WAN connectivity, mobile phones and airtime contracts.
MKT | Marketing
    Building our brands and winning customers.
MKT.MEDIA | Media
    Paid space and time in which our brands appear.
MKT.MEDIA.BUY | Media buying | 2
    TV, radio, press and outdoor advertising placed through agencies.
MKT.MEDIA.DIG | Digital advertising | 1.3
    Search, social and programmatic display advertising.
MKT.CRE | Creative & promotion
    Work that makes the message and puts it in front of shoppers.
MKT.CRE.AGENCY | Creative agencies | 1
    Brand, design and advertising agency fees and production costs.
MKT.CRE.POS | Point-of-sale materials | 0.8
    In-store displays, shelf barkers, promotional packs and merchandise.
MKT.CRE.EVENTS | Events & exhibitions | 0.5
    Trade shows, stands, venues and customer events.
MKT.CRE.RES | Market research | 0.6
    Consumer panels, retail data, surveys and product testing.
PS | Professional services
    Expert advice and technical services bought by the day or by the job.
PS.ADV | Advisory
    Consultants, lawyers and accountants.
PS.ADV.MGMT | Management consulting | 0.9
    Strategy, operations and change consultancy engagements.
PS.ADV.LEGAL | Legal services | 0.6
    External solicitors and barristers for contracts, disputes and property.
PS.ADV.AUDIT | Audit & tax | 0.5
    Statutory audit, tax compliance and transaction advisory.
PS.ENG | Engineering & technical
    Specialist technical work for plants and products.
PS.ENG.DESIGN | Engineering design | 0.8
    Process, structural and electrical design for capital projects.
PS.ENG.LAB | Laboratory testing & certification | 0.6
    Microbiological and nutritional testing, audits and food-safety certification.
FM | Facilities management
    Keeping offices, plants and warehouses clean, safe and working.
FM.SOFT | Soft services
    People-based site services.
FM.SOFT.CLEAN | Cleaning & hygiene | 1.2
    Office cleaning, deep cleaning of production areas and washroom services.
FM.SOFT.SEC | Security | 0.7
    Manned guarding, alarm monitoring and access control maintenance.
FM.SOFT.CATER | Catering & vending | 0.6
    Staff canteens, vending machines and hospitality catering.
FM.SOFT.WASTE | Waste & recycling | 0.9
    General, food and hazardous waste collection, recycling and effluent removal.
FM.HARD | Hard services
    Looking after buildings and their fixed plant.
FM.HARD.MAINT | Building maintenance | 1.3
    Planned and reactive maintenance of fabric, heating, ventilation and air conditioning.
FM.HARD.FIRE | Fire safety & compliance | 0.4
    Fire alarms, sprinklers, extinguishers and statutory inspections.
HR | HR & people
    Finding, developing and looking after our people.
HR.TAL | Talent
    Getting the right people in and helping them grow.
HR.TAL.TEMP | Temporary labour | 3
    Agency workers for production peaks and holiday cover, billed by the hour.
HR.TAL.RECR | Recruitment agencies | 0.6
    Permanent placement fees and executive search.
HR.TAL.TRAIN | Training & development | 0.5
    Courses, e-learning, apprenticeships and leadership programmes.
HR.BEN | Benefits & HR services
    Employee benefits and outsourced HR administration.
HR.BEN.HEALTH | Occupational health & benefits | 0.6
    Occupational health, private medical, employee assistance and benefits platforms.
HR.BEN.PAYROLL | Payroll & HR administration | 0.3
    Outsourced payroll, pension administration and HR systems support.
TRV | Travel & fleet
    Getting people and company vehicles on the road.
TRV.BUS | Business travel
    Trips booked through the travel management company.
TRV.BUS.AIR | Air travel | 0.6
    Domestic and international flights for business trips.
TRV.BUS.HOTEL | Hotels & accommodation | 0.7
    Hotel nights, serviced apartments and meeting rooms away from our sites.
TRV.BUS.GROUND | Rail, taxis & car hire | 0.4
    Train tickets, taxis and short-term car hire.
TRV.FLEET | Fleet
    Company cars, vans and what keeps them running.
TRV.FLEET.LEASE | Vehicle leasing | 1
    Contract hire of company cars, vans and forklift trucks.
TRV.FLEET.FUEL | Fuel cards & charging | 0.6
    Fuel cards, EV charging and vehicle maintenance.
EN | Energy & utilities
    Power, heat and water for our plants and offices.
EN.PWR | Energy
    Electricity and gas supply.
EN.PWR.ELEC | Electricity | 4
    Electricity supply, network charges and renewable energy certificates for all sites.
EN.PWR.GAS | Natural gas | 2.5
    Gas supply for ovens, boilers and steam raising.
EN.UTIL | Utilities
    Water and the services around it.
EN.UTIL.WATER | Water & effluent | 0.9
    Mains water, trade effluent charges and water treatment chemicals.
MRO | MRO & plant maintenance
    Maintenance, repair and operating supplies that keep the production lines running.
MRO.SPARES | Spares & components
    Parts that keep machines running.
MRO.SPARES.MECH | Mechanical spares | 1.5
    Bearings, belts, gearboxes, seals and conveyor parts.
MRO.SPARES.ELEC | Electrical & automation spares | 1.3
    Motors, drives, sensors, PLC cards and cabling.
MRO.OPS | Operating supplies
    Consumables used up on the shop floor.
MRO.OPS.PPE | PPE & workwear | 0.8
    Hairnets, gloves, safety footwear, hi-vis and laundered workwear.
MRO.OPS.LUBE | Lubricants & consumables | 0.6
    Food-grade lubricants, cleaning chemicals and line consumables.
MRO.OPS.TOOLS | Tools & equipment | 0.4
    Hand and power tools, lifting equipment and workshop supplies.
MRO.SVC | Plant services
    Specialist contractors for production equipment.
MRO.SVC.REPAIR | Machine repair & servicing | 1.6
    OEM service visits, breakdown repairs and refurbishment of line equipment.
MRO.SVC.CAL | Calibration & inspection | 0.3
    Calibration of scales and probes and statutory inspection of pressure systems and lifts.
"""

# Words that make a supplier sound like it sells in a category: a leaf's own, else its parent's.
TRADE_WORDS = {
    "DM.ING": _words("Foods, Ingredients, Agri, Produce"),
    "DM.ING.GRAIN": _words("Milling, Mills, Grain, Flour"),
    "DM.ING.DAIRY": _words("Dairies, Dairy, Creamery, Farms"),
    "DM.ING.OILS": _words("Oils, Edible Oils, Refiners, Oils & Fats"),
    "DM.ING.SUGAR": _words("Sugars, Sweeteners, Syrups, Refiners"),
    "DM.ING.FLAV": _words("Flavours, Spices, Seasonings, Ingredients"),
    "DM.ING.FRUIT": _words("Produce, Growers, Fruit, Farms"),
    "DM.RAW.RESIN": _words("Polymers, Plastics, Resins, Petrochemicals"),
    "DM.RAW.BOARD": _words("Board, Paper, Pulp, Paperboard"),
    "DM.RAW.INK": _words("Inks, Coatings, Adhesives, Chemicals"),
    "PK.PRI": _words("Packaging, Containers, Films, Flexibles, Plastics"),
    "PK.PRI.GLASS": _words("Glass, Glassworks, Containers"),
    "PK.SEC.CORR": _words("Corrugated, Packaging, Cartons, Box"),
    "PK.SEC.LABEL": _words("Labels, Print, Labelling"),
    "PK.SEC.PALLET": _words("Pallets, Timber, Pallet Services"),
    "LOG.FRT": _words("Haulage, Freight, Transport, Logistics"),
    "LOG.FRT.OCEAN": _words("Shipping, Freight, Forwarding, Maritime"),
    "LOG.FRT.PARCEL": _words("Express, Couriers, Parcels"),
    "LOG.WH": _words("Logistics, Warehousing, Distribution, Storage"),
    "LOG.WH.COLD": _words("Cold Stores, Cold Storage, Refrigerated Logistics"),
    "IT.HW": _words("Computers, Systems, Technology, Data"),
    "IT.SW": _words("Software, Systems, Cloud, Solutions, Analytics"),
    "IT.SVC.MSP": _words("IT Services, Technology, Digital, Cyber"),
    "IT.SVC.TEL": _words("Telecom, Networks, Communications, Mobile"),
    "MKT.MEDIA": _words("Media, Digital, Broadcast, Advertising"),
    "MKT.CRE": _words("Creative, Design, Marketing, Brand"),
    "MKT.CRE.POS": _words("Display, Print, Point of Sale"),
    "MKT.CRE.EVENTS": _words("Events, Exhibitions"),
    "MKT.CRE.RES": _words("Insight, Research"),
    "PS.ADV.MGMT": _words("Consulting, Advisory, Partners"),
    "PS.ADV.LEGAL": _words("Legal, Solicitors, Law"),
    "PS.ADV.AUDIT": _words("Accountants, Audit, Tax"),
    "PS.ENG": _words("Engineering, Technical, Laboratories, Scientific"),
    "FM.SOFT.CLEAN": _words("Cleaning, Hygiene"),
    "FM.SOFT.SEC": _words("Security, Guarding"),
    "FM.SOFT.CATER": _words("Catering, Vending, Food Services"),
    "FM.SOFT.WASTE": _words("Waste, Recycling, Environmental"),
    "FM.HARD": _words("Building Services, Maintenance, Property"),
    "FM.HARD.FIRE": _words("Fire, Fire Protection, Fire Safety"),
    "HR.TAL": _words("Recruitment, Staffing, Personnel, Resourcing"),
    "HR.TAL.TRAIN": _words("Training, Learning, Academy"),
    "HR.BEN": _words("Benefits, Health, Wellbeing, Payroll"),
    "TRV.BUS.AIR": _words("Airways, Aviation, Air"),
    "TRV.BUS.HOTEL": _words("Hotels, Inns, Hospitality"),
    "TRV.BUS.GROUND": _words("Cars, Taxis, Travel"),
    "TRV.FLEET": _words("Fleet, Leasing, Vehicles, Motors"),
    "TRV.FLEET.FUEL": _words("Fuel, Fuels, Motors"),
    "EN.PWR.ELEC": _words("Energy, Power, Electric, Renewables"),
    "EN.PWR.GAS": _words("Gas, Energy"),
    "EN.UTIL": _words("Water, Utilities, Environmental"),
    "MRO.SPARES": _words("Engineering, Bearings, Components, Transmission"),
    "MRO.SPARES.ELEC": _words("Automation, Electrical, Controls, Drives"),
    "MRO.OPS.PPE": _words("Safety, Workwear, Protective"),
    "MRO.OPS.LUBE": _words("Lubricants, Industrial Supplies"),
    "MRO.OPS.TOOLS": _words("Tools, Tooling, Equipment"),
    "MRO.SVC": _words("Engineering, Services, Technical, Maintenance"),
}


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _lookup_up_the_tree(table: dict, code: str):
    while code is not None and code not in table:
        code = _parent_code(code)
    return table[code] if code is not None else None


def build_categories() -> tuple[CategorySpec, ...]:
    """The category tree, parents before children, from CATEGORY_TABLE."""
    nodes, header = [], None
    for line in CATEGORY_TABLE.strip().splitlines():
        if not line.startswith(" "):
            header = [part.strip() for part in line.split("|")]
            continue
        code, name, *weight = header
        nodes.append(
            CategorySpec(
                code=code,
                name=name,
                description=line.strip(),
                parent_code=_parent_code(code),
                spend_weight=float(weight[0]) if weight else 0.0,
                unit_mix=_lookup_up_the_tree(UNIT_MIX, code),
                trade_words=_lookup_up_the_tree(TRADE_WORDS, code) or (),
            )
        )
    return tuple(nodes)


# --- Value drivers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueDriverSpec:
    name: str
    description: str
    order: int


VALUE_DRIVERS = (
    ValueDriverSpec(
        "Cost", "Lower total cost of ownership: price, usage and the cost of running a contract.", 1
    ),
    ValueDriverSpec("Quality", "Goods and services that meet the specification first time.", 2),
    ValueDriverSpec("Delivery & speed", "On time and in full, with short, reliable lead times.", 3),
    ValueDriverSpec("Innovation", "New materials, products and ideas brought by suppliers.", 4),
    ValueDriverSpec(
        "Risk & continuity",
        "Secure supply: resilient suppliers, second sources and compliance with law and policy.",
        5,
    ),
    ValueDriverSpec(
        "Sustainability",
        "Lower carbon, less waste and packaging, and fair treatment of supply-chain workers.",
        6,
    ),
    ValueDriverSpec(
        "Revenue growth", "Purchases that help win customers and launch products sooner.", 7
    ),
    ValueDriverSpec(
        "Service & responsiveness",
        "Suppliers, and a procurement team, that are easy to work with and quick to respond.",
        8,
    ),
)


# --- People -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    """A demo login. `owns` lists top-level category codes, `leads` business-unit codes."""

    username: str
    first_name: str
    last_name: str
    role: str
    owns: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    is_admin: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()


UNIT_LEADS = {
    "MFG": ("unitlead", "Dave", "Brennan"),
    "SCL": ("lead-scl", "Karen", "Holt"),
    "SAM": ("lead-sam", "Marcus", "Reid"),
    "RND": ("lead-rnd", "Elena", "Marchetti"),
    "IT": ("lead-it", "Raj", "Patel"),
    "FIN": ("lead-fin", "Fiona", "Campbell"),
    "HR": ("lead-hr", "Joanne", "Price"),
    "FAC": ("lead-fac", "Steve", "Hughes"),
    "CS": ("lead-cs", "Lucy", "Barnes"),
    "LEG": ("lead-leg", "Daniel", "Osei"),
}
PEOPLE = (
    PersonSpec("manager", "Priya", "Shah", CATEGORY_MANAGER, owns=("DM", "PK", "LOG")),
    PersonSpec("manager2", "Tom", "Whitaker", CATEGORY_MANAGER, owns=("IT", "MKT", "PS")),
    PersonSpec("manager3", "Aisha", "Okafor", CATEGORY_MANAGER, owns=("FM", "HR", "TRV")),
    PersonSpec("manager4", "Gareth", "Llewellyn", CATEGORY_MANAGER, owns=("EN", "MRO")),
    *(
        PersonSpec(username, first, last, BUSINESS_UNIT_LEAD, leads=(code,))
        for code, (username, first, last) in UNIT_LEADS.items()
    ),
    PersonSpec("cpo", "Helen", "Marsh", CPO),
    PersonSpec("admin", "Oliver", "Grant", ADMINISTRATOR, is_admin=True),
)
DEMO_USERNAMES = tuple(person.username for person in PEOPLE)


# --- Supplier names ---------------------------------------------------------------------------

GB_SURNAMES = _words(
    "Ainsworth, Armitage, Ashworth, Barker, Beaumont, Bellamy, Booth, Bramley, Brook, Calder, "
    "Carrington, Chadwick, Clegg, Crossley, Dawson, Denholm, Dewhurst, Dyson, Eastwood, "
    "Ellison, Fairbairn, Firth, Fletcher, Fowler, Garside, Gledhill, Greenhalgh, Hadley, "
    "Hartley, Haworth, Hirst, Holroyd, Horsfall, Ingham, Jowett, Kershaw, Kitson, Lister, "
    "Lockwood, Marsden, Mellor, Midgley, Moorhouse, Naylor, Oldroyd, Pickering, Pollard, "
    "Priestley, Radcliffe, Ramsden, Rhodes, Rowntree, Sefton, Shackleton, Sugden, Sutcliffe, "
    "Thackeray, Thornton, Townend, Uttley, Varley, Wadsworth, Whitworth, Wilkinson, Yates, "
    "Ashby, Bingham, Cartwright, Drummond, Fenwick, Gilmour, Harrington, Kendall, Lambert, "
    "Maxwell, Newbold, Ogden, Penrose, Rutherford, Stanhope, Trelawney, Vaughan, Wetherby, "
    "Aldridge, Blackwood, Cavendish, Dunmore, Everett, Forsyth, Goodwin, Hammond, Jessop, "
    "Kingsley, Loxley, Mortimer, Pemberton, Quarmby, Redfern, Saltmarsh, Tennant"
)
GB_PLACES = _words(
    "Pennine, Aire Valley, Wharfedale, Humber, Mersey, Tyne, Severn, Thames, Solent, Trent, "
    "Ribble, Cotswold, Chiltern, Mendip, Fenland, Medway, Clyde, Forth, Tamar, Dales, "
    "Northern, Midland, Albion, Britannia, Westmorland, Cheviot, Peak, Wessex, Anglia, "
    "Cumbria, Lancashire, Yorkshire, Kentish, Mercia, Northumbria, Caledonian, Cambrian, "
    "Sherwood, Calder Valley, Lakeland"
)
# A name the word lists have already used gets a regional trading name, as real groups do.
GB_REGIONS = _words("Scotland, Wales, Midlands, North East, South West, Northern Ireland")
FOREIGN_NAMES = {
    "DE": _words(
        "Müller, Schneider, Fischer, Weber, Becker, Hoffmann, Schäfer, Koch, Richter, Klein, "
        "Wolf, Schröder, Neumann, Braun, Zimmermann, Krüger, Hartmann, Lange, Werner, Krause, "
        "Vogel, Keller, Frank, Berger"
    ),
    "FR": _words(
        "Dubois, Lefèvre, Moreau, Laurent, Girard, Bonnet, Dupont, Lambert, Fontaine, "
        "Rousseau, Vincent, Mercier, Blanc, Garnier, Chevalier, Renaud, Perrin, Marchand"
    ),
    "NL": _words(
        "de Vries, Jansen, van Dijk, Bakker, Visser, Smit, Meijer, de Boer, Mulder, de Groot, "
        "Bos, Vos, Hendriks, van Leeuwen, Dekker, Brouwer"
    ),
    "IE": _words(
        "Murphy, Kelly, O'Sullivan, O'Brien, Byrne, Ryan, O'Connor, O'Neill, Doyle, McCarthy, "
        "Gallagher, Doherty, Kennedy, Lynch, Shannon, Liffey, Munster, Wicklow"
    ),
    "BE": _words("Peeters, Janssens, Maes, Claes, Wouters, Goossens, Willems, Dubois"),
    "ES": _words("García, Fernández, López, Martínez, Sánchez, Navarro, Ortega, Iberia"),
    "IT": _words("Rossi, Bianchi, Colombo, Ferrari, Esposito, Romano, Ricci, Galli"),
    "US": _words(
        "Anderson, Carter, Mitchell, Parker, Collins, Bennett, Cooper, Brooks, Foster, Porter, "
        "Warren, Great Lakes, Pacific, Keystone, Liberty, Frontier, Summit, Midwest"
    ),
    "CN": _words(
        "Ningbo, Shenzhen, Dongguan, Suzhou, Qingdao, Xiamen, Foshan, Wuxi, Hangzhou, Tianjin, "
        "Jiangsu, Zhejiang"
    ),
}
CN_BRANDS = _words(
    "Huada, Jinlong, Hengtai, Xinyuan, Zhongda, Tianli, Haoyu, Fuxing, Hongda, Sanhe, "
    "Yongsheng, Dahua"
)
# Most suppliers are private companies; only the big groups (see build_suppliers) are plc.
GB_LEGAL_FORMS = ("Ltd",) * 8 + ("Limited",) * 2
FOREIGN_LEGAL_FORMS = {
    "DE": ("GmbH", "GmbH", "AG", "GmbH & Co. KG"),
    "FR": ("SAS", "S.A.", "SARL"),
    "NL": ("B.V.", "B.V.", "N.V."),
    "IE": ("Ltd", "Limited"),
    "BE": ("NV", "SA"),
    "ES": ("S.A.",),
    "IT": ("S.p.A.", "S.r.l."),
    "US": ("Inc", "Inc.", "LLC", "Corp."),
    "CN": ("Co., Ltd.",),
}
EUROPEAN = frozenset({"DE", "FR", "NL", "BE", "ES", "IT"})
# Where foreign suppliers are based: goods travel further than services do.
GOODS_COUNTRIES = _weights("DE 25, NL 15, FR 10, IE 8, BE 5, ES 5, IT 7, US 10, CN 15")
SERVICE_COUNTRIES = _weights("IE 35, NL 15, DE 15, FR 10, US 25")
GOODS_TOPS = frozenset({"DM", "PK", "IT", "MRO"})
# Share of foreign suppliers by top-level category: nobody imports office cleaning.
FOREIGN_SHARE = _weights(
    "DM 0.25, PK 0.2, LOG 0.12, IT 0.2, MKT 0.05, PS 0.06, FM 0, HR 0.02, TRV 0.12, EN 0.03, "
    "MRO 0.15"
)


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _gb_name(rng, trades, is_major: bool, is_professional: bool) -> tuple[str, str]:
    surname, place, trade = _pick(rng, GB_SURNAMES), _pick(rng, GB_PLACES), _pick(rng, trades)
    pattern = int(rng.integers(7))
    if pattern == 0:
        base = f"{surname} & {_pick(rng, GB_SURNAMES)}"
    elif pattern == 1:
        base = f"{place} {trade}"
    elif pattern == 2:
        base = f"{surname} {trade} Group"
    elif pattern == 3:
        # "Tyne Power Services", but "Tyne Hotels Group" rather than "Tyne Hotels Services".
        base = f"{place} {trade} {'Group' if trade.endswith('s') else 'Services'}"
    elif pattern == 4:
        base = f"{surname} & Sons"
    else:
        base = f"{surname} {trade}"
    if is_professional and rng.random() < 0.5:
        legal_form = "LLP"
    elif is_major:
        legal_form = "plc"
    else:
        legal_form = _pick(rng, GB_LEGAL_FORMS)
    return base, legal_form


def _foreign_name(rng, country: str, trades) -> tuple[str, str]:
    name, trade = _pick(rng, FOREIGN_NAMES[country]), _pick(rng, trades)
    legal_form = _pick(rng, FOREIGN_LEGAL_FORMS[country])
    if country == "CN":
        return f"{name} {_pick(rng, CN_BRANDS)} {trade}", legal_form
    pattern = int(rng.integers(4))
    if pattern == 0:
        base = f"{name} & {_pick(rng, FOREIGN_NAMES[country])}"
    elif pattern == 1 and country in EUROPEAN:
        base = f"{name} {trade} Europe"
    else:
        base = f"{name} {trade}"
    return base, legal_form


def supplier_name(rng, country, trades, taken: set[str], is_major=False, is_professional=False):
    """A new supplier name whose normalised form is not in `taken` (which it then joins)."""
    for attempt in range(300):
        if country == "GB":
            base, legal_form = _gb_name(rng, trades, is_major, is_professional)
        else:
            base, legal_form = _foreign_name(rng, country, trades)
        if attempt >= 100:
            region = _pick(rng, GB_REGIONS) if country == "GB" else "UK"
            base = f"{base} ({region})"
        name = f"{base} {legal_form}"
        key = normalise(name)
        if key not in taken:
            taken.add(key)
            return name
    raise RuntimeError("Could not find a new supplier name; extend the word lists.")


# --- The company ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierBook:
    """The vendor master as parallel arrays, one entry per supplier.

    `line_weight` is the chance that a spend line goes to the supplier and `mean_amount` the
    supplier's average line in GBP; their product is the supplier's expected spend share.
    """

    names: tuple[str, ...]
    countries: tuple[str, ...]
    erp_ids: tuple[str, ...]
    main_leaf: np.ndarray
    second_leaf: np.ndarray  # -1 where the supplier sells in one category only
    currency: np.ndarray  # index into CURRENCIES: what the supplier invoices in
    line_weight: np.ndarray
    mean_amount: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def identifiers(self, index: int) -> dict[str, str]:
        return {"erp": self.erp_ids[index]}


@dataclass(frozen=True)
class DemoCompany:
    """Everything but the spend lines: small enough to hold whole, built once per seed."""

    seed: int
    name: str
    units: tuple[UnitSpec, ...]
    categories: tuple[CategorySpec, ...]  # parents before children
    leaves: tuple[CategorySpec, ...]
    value_drivers: tuple[ValueDriverSpec, ...]
    people: tuple[PersonSpec, ...]
    suppliers: SupplierBook
    unit_cdf: np.ndarray  # leaf x unit, cumulative: which unit raises a leaf's lines
    fx_to_gbp: np.ndarray  # month x currency: pounds per unit of the currency
    invoice_texts: tuple[str, ...]  # line description per leaf
    credit_texts: tuple[str, ...]


def _stream(seed: int, purpose: int) -> np.random.Generator:
    # One stream per purpose, so changing how suppliers are named does not reshuffle the spend
    # lines of the same seed.
    return np.random.default_rng([seed, purpose])


def month_starts() -> tuple[datetime.date, ...]:
    """The first day of each of the 24 months."""
    first = FIRST_DAY.year * 12 + FIRST_DAY.month - 1
    return tuple(
        datetime.date((first + offset) // 12, (first + offset) % 12 + 1, 1)
        for offset in range(MONTH_COUNT)
    )


def _suppliers_per_leaf(leaves, supplier_count: int) -> np.ndarray:
    """Bigger categories have more suppliers, though fewer than their spend alone would say."""
    minimum = 6
    spare = supplier_count - minimum * len(leaves)
    if spare < 0:
        raise ValueError(f"The demo tree needs at least {minimum * len(leaves)} suppliers.")
    weights = np.array([leaf.spend_weight for leaf in leaves]) ** 0.5
    quota = weights / weights.sum() * spare
    counts = np.floor(quota).astype(int)
    # The largest remainders take the suppliers that rounding down left over.
    counts[np.argsort(counts - quota)[: spare - counts.sum()]] += 1
    return counts + minimum


def _unit_cdf(leaves, rng) -> np.ndarray:
    """Each leaf's split of lines over units: its profile, jittered so no two leaves match."""
    shares = np.zeros((len(leaves), len(UNITS)))
    for row, leaf in enumerate(leaves):
        for code, weight in leaf.unit_mix.items():
            shares[row, UNIT_CODES.index(code)] = weight
    shares *= rng.uniform(0.7, 1.3, size=shares.shape)
    shares /= shares.sum(axis=1, keepdims=True)
    return np.cumsum(shares, axis=1)


def _fx_rates(rng) -> np.ndarray:
    """Monthly rates as a gentle random walk around recent levels, to four places as published."""
    rates = np.ones((MONTH_COUNT, len(CURRENCIES)))
    walks = {EUR: (0.845, 0.007, 0.80, 0.90), USD: (0.785, 0.011, 0.72, 0.84)}
    for currency, (start, step, low, high) in walks.items():
        walk = start + np.cumsum(rng.normal(0, step, MONTH_COUNT))
        rates[:, currency] = np.round(np.clip(walk, low, high), 4)
    return rates


def _supplier_country(rng, top_code: str) -> str:
    if rng.random() >= FOREIGN_SHARE[top_code]:
        return "GB"
    mix = GOODS_COUNTRIES if top_code in GOODS_TOPS else SERVICE_COUNTRIES
    weights = np.array(list(mix.values()))
    return list(mix)[int(rng.choice(len(mix), p=weights / weights.sum()))]


def _invoicing_currency(rng, country: str) -> int:
    if country == "GB" or rng.random() < FOREIGN_INVOICE_IN_GBP:
        return GBP
    # Chinese exporters, like American ones, price in dollars.
    return EUR if country in EURO_COUNTRIES else USD


def _spend_shares(leaves, main_leaf, rng) -> np.ndarray:
    """Each supplier's expected share of total spend: its leaf's share, split Zipf-like."""
    leaf_weights = np.array([leaf.spend_weight for leaf in leaves])
    leaf_weights /= leaf_weights.sum()
    rank = np.concatenate([np.arange(1, n + 1) for n in np.bincount(main_leaf)])
    within = rank**-SUPPLIER_RANK_EXPONENT * rng.lognormal(0, 0.25, len(main_leaf))
    within /= np.bincount(main_leaf, weights=within)[main_leaf]
    return leaf_weights[main_leaf] * within


def build_suppliers(leaves, supplier_count: int, seed: int) -> SupplierBook:
    """The supplier base: names, countries, categories and how much each one sells us."""
    rng = _stream(seed, 1)
    main_leaf = np.repeat(np.arange(len(leaves)), _suppliers_per_leaf(leaves, supplier_count))
    spend_share = _spend_shares(leaves, main_leaf, rng)
    line_weight = spend_share**LINE_SHARE_POWER
    line_weight /= line_weight.sum()

    # The top 2% are the big groups, and listed companies call themselves plc.
    major = spend_share >= np.quantile(spend_share, 0.98)
    taken: set[str] = set()
    names, countries, currency = [], [], []
    for index, leaf_index in enumerate(main_leaf):
        leaf = leaves[leaf_index]
        country = _supplier_country(rng, leaf.top_code)
        is_professional = leaf.top_code == "PS"
        names.append(
            supplier_name(rng, country, leaf.trade_words, taken, major[index], is_professional)
        )
        countries.append(country)
        currency.append(_invoicing_currency(rng, country))

    # ERP numbers were handed out as suppliers were set up, not in order of size.
    erp_numbers = rng.permutation(supplier_count) + 101
    return SupplierBook(
        names=tuple(names),
        countries=tuple(countries),
        erp_ids=tuple(f"S{number:05d}" for number in erp_numbers),
        main_leaf=main_leaf,
        second_leaf=_second_leaves(leaves, main_leaf, rng),
        currency=np.array(currency, dtype=np.int64),
        line_weight=line_weight,
        mean_amount=spend_share / line_weight * MEAN_LINE_GBP,
    )


def _second_leaves(leaves, main_leaf, rng) -> np.ndarray:
    """Some suppliers also sell in a neighbouring leaf (same parent, else same top level)."""
    second = np.full(len(main_leaf), -1, dtype=np.int64)
    for index, leaf in enumerate(main_leaf):
        if rng.random() >= SECOND_CATEGORY_SHARE:
            continue
        home = leaves[leaf]
        siblings = [i for i, other in enumerate(leaves) if other.parent_code == home.parent_code]
        if len(siblings) == 1:
            siblings = [i for i, other in enumerate(leaves) if other.top_code == home.top_code]
        siblings.remove(leaf)
        if siblings:
            second[index] = _pick(rng, siblings)
    return second


def build_company(seed: int = DEFAULT_SEED, supplier_count: int = DEFAULT_SUPPLIERS) -> DemoCompany:
    """The demo company for a seed: units, category tree, value drivers, people, suppliers."""
    categories = build_categories()
    parents = {category.parent_code for category in categories}
    leaves = tuple(category for category in categories if category.code not in parents)
    return DemoCompany(
        seed=seed,
        name=COMPANY_NAME,
        units=UNITS,
        categories=categories,
        leaves=leaves,
        value_drivers=VALUE_DRIVERS,
        people=PEOPLE,
        suppliers=build_suppliers(leaves, supplier_count, seed),
        unit_cdf=_unit_cdf(leaves, _stream(seed, 2)),
        fx_to_gbp=_fx_rates(_stream(seed, 3)),
        invoice_texts=tuple(f"Invoice for {leaf.name}" for leaf in leaves),
        credit_texts=tuple(f"Credit note for {leaf.name}" for leaf in leaves),
    )


# --- Spend lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendChunk:
    """A block of spend lines as parallel arrays. Indices point into the company's suppliers,
    leaves, units and CURRENCIES; money is in pennies."""

    first_number: int  # running number of the block's first line, for document references
    date: np.ndarray  # datetime64[D]
    supplier: np.ndarray
    leaf: np.ndarray
    unit: np.ndarray
    currency: np.ndarray
    amount_pennies: np.ndarray  # in GBP
    original_pennies: np.ndarray  # in the line's currency
    # Each line's document number as an offset from first_number; None: its own position.
    # A planted duplicate reuses another line's (see plant_findings).
    reference_index: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.date)

    @property
    def is_credit(self) -> np.ndarray:
        return self.amount_pennies < 0


def _working_days() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekdays of the period, and where each month's run of them starts and how long it is."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)
    days = days[np.is_busday(days)]
    months = days.astype("datetime64[M]")
    counts = np.bincount((months - months[0]).astype(int), minlength=MONTH_COUNT)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return days, starts, counts


def month_profile() -> tuple[np.ndarray, np.ndarray]:
    """Each month's share of the lines (seasonality) and its price level (growth)."""
    activity = np.array([SEASONALITY[start.month - 1] for start in month_starts()])
    growth = (1 + ANNUAL_GROWTH) ** (np.arange(MONTH_COUNT) / 12)
    return activity / activity.sum(), growth


def _line_amounts(rng, mean: np.ndarray) -> np.ndarray:
    """GBP pennies: lognormal around each line's mean, with a few credit notes."""
    size = len(mean)
    # exp(mu + sigma^2 / 2) is the lognormal's mean, so this keeps each supplier's mean.
    gbp = mean * rng.lognormal(-(AMOUNT_SIGMA**2) / 2, AMOUNT_SIGMA, size)
    credit = rng.random(size) < CREDIT_NOTE_SHARE
    # A credit note gives back part of an invoice, not all of it.
    gbp = np.where(credit, -gbp * rng.uniform(0.05, 0.6, size), gbp)
    pennies = np.rint(gbp * 100).astype(np.int64)
    smallest = np.where(credit, -100, 100)  # no zero-value lines
    return np.where(np.abs(pennies) < 100, smallest, pennies)


def generate_chunk(company: DemoCompany, size: int, chunk_index: int) -> SpendChunk:
    """One block of lines, from its own random stream."""
    rng = _stream(company.seed, 100 + chunk_index)
    book = company.suppliers
    days, day_starts, day_counts = _working_days()
    activity, growth = month_profile()

    month = rng.choice(MONTH_COUNT, size=size, p=activity)
    date = days[day_starts[month] + (rng.random(size) * day_counts[month]).astype(np.int64)]

    supplier = rng.choice(len(book), size=size, p=book.line_weight)
    second = book.second_leaf[supplier]
    use_second = (second >= 0) & (rng.random(size) < SECOND_CATEGORY_LINE_SHARE)
    leaf = np.where(use_second, second, book.main_leaf[supplier])

    unit = (rng.random(size)[:, None] > company.unit_cdf[leaf]).sum(axis=1)
    # Rounding can leave the last cumulative share a hair below 1.
    unit = np.minimum(unit, len(company.units) - 1)

    gbp = _line_amounts(rng, book.mean_amount[supplier] * growth[month])
    currency = book.currency[supplier]
    rate = company.fx_to_gbp[month, currency]
    # The invoice is in the supplier's currency and the GBP amount is that at the month's
    # rate, so amount == round(original * rate) holds exactly on every line.
    original = np.where(currency == GBP, gbp, np.rint(gbp / rate)).astype(np.int64)
    amount = np.where(currency == GBP, original, np.rint(original * rate)).astype(np.int64)

    chunk = SpendChunk(
        first_number=chunk_index * CHUNK_LINES + 1,
        date=date,
        supplier=supplier,
        leaf=leaf,
        unit=unit,
        currency=currency,
        amount_pennies=amount,
        original_pennies=original,
    )
    return plant_findings(chunk) if chunk_index == 0 else chunk


# What plant_findings puts in the first block, for the opportunity finder and the duplicate
# review to find (tests/opportunities/test_demo.py checks each is found).
PLANTED_SAME_AMOUNT_PAIRS = 6
PLANTED_SAME_REFERENCE_PAIRS = 3
PLANTED_SPLIT_SUPPLIERS = 2
PLANTED_SPLIT_INVOICES = 5
SPLIT_THRESHOLD_PENNIES = 500_000  # the demo's budget-holder limit, 5,000.00
DRIFT_FACTOR = 3
LATEST_YEAR_START = np.datetime64("2025-11-01")


def plant_findings(chunk: SpendChunk) -> SpendChunk:
    """The first block with a few known findings planted in its GBP invoices (GBP, so that
    amount == original holds without an exchange rate); the line count is unchanged:

    - price drift: the GBP supplier with the most invoices in both years has its latest
      twelve months' invoices tripled, so its spend grows about +200 % against its leaf's few
      per cent;
    - 6 possible duplicates of the same amount: a second invoice repeating the first's
      supplier, leaf, unit and amount two working days later (February to April 2026);
    - 3 possible duplicates by document reference: the same invoice number paid again three
      weeks later, £10.00 more (May to June 2026);
    - 2 suppliers each with 5 invoices of £4,600 to £4,990, just under the 5,000.00 approval
      threshold the demo sets (opportunities.demo), in June and July 2026.

    Fragmentation, tail spend, off-contract spend and contracts within their notice period
    need no planting: the supplier base and the demo contracts (suppliers.demo) hold them."""
    gbp = (chunk.currency == GBP) & (chunk.amount_pennies > 0)
    needed = 2 * (PLANTED_SAME_AMOUNT_PAIRS + PLANTED_SAME_REFERENCE_PAIRS)
    needed += PLANTED_SPLIT_SUPPLIERS * PLANTED_SPLIT_INVOICES
    if gbp.sum() < 4 * needed:
        return chunk
    date, supplier, leaf, unit = (
        a.copy() for a in (chunk.date, chunk.supplier, chunk.leaf, chunk.unit)
    )
    amount, original = chunk.amount_pennies.copy(), chunk.original_pennies.copy()
    reference = np.arange(len(chunk))

    latest = date >= LATEST_YEAR_START
    both_years = np.minimum(
        np.bincount(supplier[gbp & ~latest], minlength=supplier.max() + 1),
        np.bincount(supplier[gbp & latest], minlength=supplier.max() + 1),
    )
    drifting = int(np.argmax(both_years))
    grown = (supplier == drifting) & latest & (amount > 0)
    amount[grown] *= DRIFT_FACTOR
    original[grown] *= DRIFT_FACTOR

    free = iter(np.flatnonzero(gbp & (supplier != drifting)).tolist())

    def repeat(first, second, day):
        supplier[second], leaf[second], unit[second] = supplier[first], leaf[first], unit[first]
        amount[second] = original[second] = amount[first]
        date[second] = day

    for k in range(PLANTED_SAME_AMOUNT_PAIRS):
        first, second = next(free), next(free)
        date[first] = np.busday_offset("2026-02-02", 10 * k)
        repeat(first, second, np.busday_offset(date[first], 2))
    for k in range(PLANTED_SAME_REFERENCE_PAIRS):
        first, second = next(free), next(free)
        date[first] = np.busday_offset("2026-05-04", 10 * k)
        repeat(first, second, np.busday_offset(date[first], 15))
        amount[second] = original[second] = amount[first] + 1_000
        reference[second] = reference[first]
    for s in range(PLANTED_SPLIT_SUPPLIERS):
        lines = [next(free) for _ in range(PLANTED_SPLIT_INVOICES)]
        for j, line in enumerate(lines):
            repeat(lines[0], line, np.busday_offset("2026-06-01", 20 * s + 3 * j))
            amount[line] = original[line] = SPLIT_THRESHOLD_PENNIES - 1_000 - 9_700 * j
    return SpendChunk(
        first_number=chunk.first_number,
        date=date,
        supplier=supplier,
        leaf=leaf,
        unit=unit,
        currency=chunk.currency,
        amount_pennies=amount,
        original_pennies=original,
        reference_index=reference,
    )


def generate_spend(company: DemoCompany, lines: int = DEFAULT_LINES) -> Iterator[SpendChunk]:
    """All spend lines, block by block, so a million lines never sit in memory at once."""
    for chunk_index, first in enumerate(range(0, lines, CHUNK_LINES)):
        yield generate_chunk(company, min(CHUNK_LINES, lines - first), chunk_index)


def document_references(chunk: SpendChunk) -> list[str]:
    """Invoice and credit-note numbers in the accounts-payable style, unique per line but for
    the duplicates plant_findings puts in."""
    years = (chunk.date.astype("datetime64[Y]").astype(np.int64) + 1970).tolist()
    prefixes = np.where(chunk.is_credit, "CRN", "INV").tolist()
    offsets = np.arange(len(chunk)) if chunk.reference_index is None else chunk.reference_index
    numbers = (chunk.first_number + offsets).tolist()
    return [
        f"{prefix}-{year}-{number:07d}"
        for prefix, year, number in zip(prefixes, years, numbers, strict=True)
    ]


def line_descriptions(company: DemoCompany, chunk: SpendChunk) -> list[str]:
    """'Invoice for <leaf name>' or 'Credit note for <leaf name>', one per line."""
    invoice = np.array(company.invoice_texts, dtype=object)[chunk.leaf]
    credit = np.array(company.credit_texts, dtype=object)[chunk.leaf]
    return np.where(chunk.is_credit, credit, invoice).tolist()


def supplier_spend(company: DemoCompany, lines: int = DEFAULT_LINES) -> np.ndarray:
    """Net spend per supplier in pennies over all generated lines."""
    totals = np.zeros(len(company.suppliers), dtype=np.int64)
    for chunk in generate_spend(company, lines):
        totals += np.bincount(
            chunk.supplier, weights=chunk.amount_pennies, minlength=len(totals)
        ).astype(np.int64)
    return totals


def share_carrying(spend: np.ndarray, fraction: float = 0.8) -> float:
    """The smallest share of suppliers that together carry `fraction` of the spend."""
    cumulative = np.cumsum(np.sort(spend)[::-1])
    needed = int(np.searchsorted(cumulative, fraction * cumulative[-1])) + 1
    return needed / len(spend)
