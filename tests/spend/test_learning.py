"""The classifier on its own (spend.learning): hand-built ledgers whose answers are known."""

import numpy as np
import pytest

from spend import learning

# Three categories a buyer tells apart by the words on the invoice; each supplier sells one.
LEDGER = [
    ("Office Depot", "Toner cartridges black", "6200", "office"),
    ("Office Depot", "Copier paper A4 80gsm", "6200", "office"),
    ("Viking Direct", "Toner cartridges colour", "6200", "office"),
    ("Viking Direct", "Ring binders and staples", "6200", "office"),
    ("Dell Technologies", "Laptop Latitude 5440", "6100", "hardware"),
    ("Dell Technologies", "Docking station USB-C", "6100", "hardware"),
    ("Lenovo UK", "Laptop ThinkPad T14", "6100", "hardware"),
    ("Lenovo UK", "Monitor 27 inch", "6100", "hardware"),
    ("Bright Clean", "Window cleaning July", "6300", "cleaning"),
    ("Bright Clean", "Office cleaning contract", "6300", "cleaning"),
    ("Sparkle Services", "Window cleaning August", "6300", "cleaning"),
    ("Sparkle Services", "Washroom cleaning supplies", "6300", "cleaning"),
]


def _texts(rows=LEDGER):
    return [learning.line_text(s, d, g) for s, d, g, _ in rows], [c for *_, c in rows]


def test_line_text_keeps_the_gl_account_as_one_token():
    text = learning.line_text("Dell Ltd", "Laptop", "61-00")
    assert text == "dell ltd | laptop | gl6100"
    assert "gl6100" in learning.words_of(text)


def test_no_word_pair_joins_the_supplier_to_the_description():
    words = learning.words_of(learning.line_text("Acme Press", "Printing leaflets", ""))
    assert "acme press" in words and "printing leaflets" in words
    assert "press printing" not in words


def test_a_new_supplier_is_classified_by_its_description():
    texts, labels = _texts()
    classifier = learning.train(texts, labels)
    [toner, laptop, windows] = learning.suggest(
        classifier,
        [
            learning.line_text("Staples UK", "Toner cartridges", ""),
            learning.line_text("Currys Business", "Laptop bag and laptop", ""),
            learning.line_text("Clear View Ltd", "Window cleaning September", ""),
        ],
    )
    assert (toner.label, laptop.label, windows.label) == ("office", "hardware", "cleaning")
    assert 1 / 3 < toner.confidence < 1
    # The runners-up are the other two categories, less likely than the choice.
    assert {label for label, _ in toner.alternatives} == {"hardware", "cleaning"}
    assert all(chance < toner.confidence for _, chance in toner.alternatives)


def test_each_suggestion_names_the_words_that_pushed_it_towards_its_category():
    texts, labels = _texts()
    classifier = learning.train(texts, labels)
    [toner] = learning.suggest(classifier, [learning.line_text("Staples UK", "Toner", "")])
    assert toner.words[0] == "toner"
    # "staples" is a word the office lines hold too ("binders and staples"), so it may follow;
    # no word from another category's lines explains an office suggestion.
    assert not set(toner.words) & {"laptop", "cleaning", "window"}
    [by_ledger] = learning.suggest(classifier, [learning.line_text("New Co", "", "6300")])
    assert by_ledger.label == "cleaning"
    assert by_ledger.words == ("GL 6300",)


def test_a_ledger_of_one_category_has_nothing_to_learn():
    with pytest.raises(learning.TooLittleToLearn):
        learning.train(["a | b | ", "c | d | "], ["office", "office"])


def test_two_categories_are_told_apart_too():
    rows = [row for row in LEDGER if row[3] != "cleaning"]
    texts, labels = _texts(rows)
    classifier = learning.train(texts, labels)
    [laptop] = learning.suggest(classifier, [learning.line_text("X", "Laptop", "")])
    assert laptop.label == "hardware" and laptop.words == ("laptop",)
    assert [label for label, _ in laptop.alternatives] == ["office"]


def test_held_out_accuracy_counts_lines_not_texts():
    texts, labels = _texts()
    counts = [50] * len(texts)
    accuracy = learning.held_out_accuracy(texts, labels, counts, test_share=0.2, seed=1)
    # Each text's 50 lines split binomially: about 20 % of the 600 lines are held out.
    expected = np.random.default_rng(1).binomial(np.array(counts), 0.2).sum()
    assert accuracy.lines == expected
    # Every held-out line's text was also seen in training: all are classified right.
    assert accuracy.top1 == accuracy.top3 == 1.0
    # Four texts of each of three categories: always saying one is right on about a third.
    assert 0.2 < accuracy.majority < 0.45


def test_cross_validation_by_supplier_predicts_suppliers_never_seen():
    texts, labels = _texts()
    suppliers = [s for s, *_ in LEDGER]
    by_line = learning.cross_validated_accuracy(texts, labels, folds=3)
    by_supplier = learning.cross_validated_accuracy(texts, labels, folds=3, groups=suppliers)
    assert by_line.lines == by_supplier.lines == len(texts)
    assert by_line.top3 == by_supplier.top3 == 1.0  # three categories: always among the top 3
    # Held-out suppliers still carry the GL account and the category's words.
    assert by_supplier.top1 >= 0.75


def test_spend_times_confidence_orders_the_queue():
    assert learning.weighted_spend(1000, 0.9) == pytest.approx(900)
    assert learning.weighted_spend(5000, 0.1) < learning.weighted_spend(1000, 0.9)


def test_cross_validation_deals_out_lines_not_texts():
    texts, labels = _texts()
    accuracy = learning.cross_validated_accuracy(texts, labels, [10] * len(texts), folds=5)
    # Every one of the 120 lines is predicted once; each text's lines sit in several folds, so
    # the model has always seen the text itself.
    assert accuracy.lines == 120
    assert accuracy.top1 == 1.0
