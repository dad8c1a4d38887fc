import pytest

from suppliers.names import normalise


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME (UK) Ltd.", "acme uk"),
        ("Acme UK Limited", "acme uk"),
        ("acme uk", "acme uk"),
        ("Müller & Söhne GmbH & Co. KG", "muller and sohne"),
        ("Johnson & Johnson Inc.", "johnson and johnson"),
        ("Société Générale S.A.", "societe generale"),
        ("NORTHERN POWERGRID (YORKSHIRE) PLC", "northern powergrid yorkshire"),
        ("Smith Pvt. Ltd", "smith"),
        ("  Spaced   Out   LLC ", "spaced out"),
    ],
)
def test_spellings_of_one_company_normalise_alike(name, expected):
    assert normalise(name) == expected


def test_a_name_that_is_only_a_legal_form_keeps_its_words():
    assert normalise("Company Ltd") == "company ltd"


def test_a_suffix_inside_the_name_is_kept():
    assert normalise("Coop Foods Ltd") == "coop foods"
    assert normalise("AG Barr plc") == "ag barr"
