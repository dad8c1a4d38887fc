from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from categories.tree import code_for_new_category, roll_up, split_levels

# A hand-worked tree:  IT (own 5) -> HW (own 10), SW (own 20);  FM (own 0) -> CLEAN (own 7)
PARENT_OF = {"IT": None, "HW": "IT", "SW": "IT", "FM": None, "CLEAN": "FM"}


def test_each_category_carries_its_subtree():
    totals = roll_up(
        {"IT": Decimal(5), "HW": Decimal(10), "SW": Decimal(20), "CLEAN": Decimal(7)}, PARENT_OF
    )
    assert totals == {"IT": 35, "HW": 10, "SW": 20, "FM": 7, "CLEAN": 7}


def test_a_category_with_nothing_booked_totals_zero():
    assert roll_up({}, PARENT_OF)["FM"] == Decimal(0)


def test_a_cycle_is_refused_rather_than_looping_forever():
    with pytest.raises(ValueError, match="cycle"):
        roll_up({"A": Decimal(1)}, {"A": "B", "B": "A"})


@st.composite
def trees_with_amounts(draw):
    size = draw(st.integers(min_value=1, max_value=30))
    # Each node's parent is an earlier node or none, so the tree has no cycle by construction.
    parent_of = {0: None}
    for node in range(1, size):
        parent_of[node] = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=node - 1)))
    amounts = draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=size - 1),
            st.decimals(min_value=-(10**6), max_value=10**6, places=2),
        )
    )
    return parent_of, amounts


@given(trees_with_amounts())
def test_the_roots_add_up_to_everything_booked(tree):
    parent_of, amounts = tree
    totals = roll_up(amounts, parent_of)
    roots = [node for node, parent in parent_of.items() if parent is None]
    assert sum(totals[root] for root in roots) == sum(amounts.values(), Decimal(0))


def test_a_new_categorys_code_is_its_parents_and_its_whole_words():
    assert code_for_new_category("Food & Beverages", "CATERING", set()) == "CATERING.FOOD-BEVERAGES"
    assert code_for_new_category("Agency staff", "", set()) == "AGENCY-STAFF"
    taken = {"IT.LEGAL", "IT.LEGAL-2"}
    assert code_for_new_category("Legal", "IT", taken) == "IT.LEGAL-3"
    long_name = "Professional services consultancy and advisory including interim managers"
    code = code_for_new_category(long_name, "PROF", set())
    assert len(code) <= 40 and code.startswith("PROF.PROFESSIONAL-SERVICES")
    assert not code.endswith("-")


def test_levels_are_split_only_when_every_part_has_a_name():
    assert split_levels("CATERING.FOOD & BEVERAGES") == ["CATERING", "FOOD & BEVERAGES"]
    assert split_levels("Legal fees") == ["Legal fees"]
    assert split_levels("Misc.") == ["Misc."]  # an empty level: one name
