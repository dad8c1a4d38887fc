"""Classification that learns from the team: a linear text classifier trained on the lines
already classified, suggesting a category, with a confidence and the words that weighed most,
for lines nobody has classified yet.

Pure: plain strings, labels and counts in, plain values out; no ORM (spend.suggestions reads
the lines and stores what this suggests). scikit-learn is imported when a model is trained, so
a page that never trains one does not pay for loading it.

The features are those a buyer reads on an invoice line: the supplier's name, the description
and the GL account the invoice was booked to. Word unigrams and bigrams carry the meaning
("toner", "agency staff"); character n-grams inside words carry what words miss in short,
abbreviated ledger text ("maint", "cleaning" in "cleaningco"). A linear model on TF-IDF
features is the usual baseline for short-text classification and explains itself: each
feature's weight for a category is readable, so every suggestion can name its strongest words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# A line text's parts are kept apart by a separator no word contains, so that no word bigram
# joins the end of a supplier's name to the start of the description.
SEPARATOR = " | "
# Explanations name at most this many words; three is what fits beside a suggestion.
EXPLAINING_WORDS = 3
# Past this many distinct line texts the model learns from the commonest ones only: training
# time and memory stay bounded on a very large ledger, and the rare texts add little.
MAX_TRAINING_TEXTS = 100_000


def line_text(supplier: str, description: str, gl_account: str) -> str:
    """The text the model reads for one line. The GL account becomes one token ("gl5034"), so
    a ledger code is a feature of its own and not a number that any description could hold."""
    gl = "".join(ch for ch in (gl_account or "").lower() if ch.isalnum())
    return SEPARATOR.join(
        ((supplier or "").lower(), (description or "").lower(), f"gl{gl}" if gl else "")
    )


@dataclass(frozen=True)
class Suggestion:
    """The category the model finds likeliest for one text, its confidence (the model's
    probability, 0..1), the next likeliest as (label, confidence), and the words that pushed
    it most towards its choice, strongest first."""

    label: object
    confidence: float
    alternatives: tuple = ()
    words: tuple = ()


@dataclass
class Classifier:
    """A trained model and what it learnt from."""

    pipeline: object
    labels: np.ndarray
    word_features: np.ndarray  # the word vocabulary, by feature index
    texts: int  # distinct texts it learnt from
    lines: int  # lines those texts stand for
    extra: dict = field(default_factory=dict)


class TooLittleToLearn(ValueError):
    """Fewer than two categories among the classified lines: nothing to tell apart."""


# Words of one letter or digit ("a", "&") say nothing of a category.
WORD = re.compile(r"(?u)\b\w\w+\b")


def words_of(text: str) -> list[str]:
    """The words of a line text and their bigrams, each part (supplier, description, GL
    account) on its own: no bigram joins a supplier's last word to the description's first."""
    features = []
    for part in text.split(SEPARATOR):
        words = WORD.findall(part)
        features.extend(words)
        features.extend(
            f"{first} {second}" for first, second in zip(words, words[1:], strict=False)
        )
    return features


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(analyzer=words_of, sublinear_tf=True, dtype=np.float32),
            ),
            (
                "fragments",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=200_000,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    # Multinomial logistic regression: probabilities that sum to one over the categories, which
    # the review queue multiplies by spend, and one weight per word and category to explain
    # with. Weak regularisation (C=30): the features are many and the texts short; measured on
    # North Tyneside's file, a stochastic-gradient model of the same loss was as accurate
    # there but unstable on a ledger of a few dozen lines.
    model = LogisticRegression(C=30, max_iter=500)
    return Pipeline([("features", features), ("model", model)])


def train(
    texts: Sequence[str], labels: Sequence, counts: Sequence[int] | None = None
) -> Classifier:
    """Learn categories from classified texts. `counts` says how many lines each text stands
    for (the lines are grouped by text before they come here); a text seen on many lines
    weighs more, by the square root of its count, so that one supplier's thousand identical
    invoices do not drown every other example. TooLittleToLearn below two categories."""
    counts = np.ones(len(texts)) if counts is None else np.asarray(counts, dtype=float)
    if len(set(labels)) < 2:
        raise TooLittleToLearn("The classified lines hold fewer than two categories.")
    texts, labels = list(texts), np.asarray(labels, dtype=object)
    if len(texts) > MAX_TRAINING_TEXTS:
        keep = np.argsort(-counts, kind="stable")[:MAX_TRAINING_TEXTS]
        texts, labels, counts = [texts[i] for i in keep], labels[keep], counts[keep]
    pipeline = _pipeline()
    pipeline.fit(texts, labels.astype(str), model__sample_weight=np.sqrt(counts))
    words = pipeline.named_steps["features"].transformer_list[0][1]
    return Classifier(
        pipeline=pipeline,
        labels=np.asarray(pipeline.named_steps["model"].classes_),
        word_features=words.get_feature_names_out(),
        texts=len(texts),
        lines=int(counts.sum()),
    )


def probabilities(classifier: Classifier, texts: Sequence[str]) -> np.ndarray:
    """Texts x categories (classifier.labels' order), each row summing to 1."""
    return classifier.pipeline.predict_proba(list(texts))


def suggest(
    classifier: Classifier, texts: Sequence[str], alternatives: int = 2
) -> list[Suggestion]:
    """The likeliest category for each text, with `alternatives` runners-up and its
    strongest words."""
    if not len(texts):
        return []
    features = classifier.pipeline.named_steps["features"].transform(list(texts)).tocsr()
    model = classifier.pipeline.named_steps["model"]
    chances = model.predict_proba(features)
    ranked = np.argsort(-chances, axis=1)[:, : alternatives + 1]
    word_count = len(classifier.word_features)
    suggestions = []
    for row, order in enumerate(ranked):
        best = order[0]
        suggestions.append(
            Suggestion(
                label=classifier.labels[best],
                confidence=float(chances[row, best]),
                alternatives=tuple(
                    (classifier.labels[other], float(chances[row, other])) for other in order[1:]
                ),
                words=_strongest_words(
                    features,
                    row,
                    _class_weights(model, best),
                    classifier.word_features,
                    word_count,
                ),
            )
        )
    return suggestions


def _class_weights(model, index: int) -> np.ndarray:
    # A two-category model keeps one weight vector, for the second category; the first's is its
    # negative.
    if model.coef_.shape[0] == 1:
        return model.coef_[0] if index == 1 else -model.coef_[0]
    return model.coef_[index]


def _strongest_words(features, row: int, weights, vocabulary, word_count: int) -> tuple:
    """The words (not fragments) whose feature value times their weight for the chosen
    category is largest and positive: what pushed the model towards it."""
    start, end = features.indptr[row], features.indptr[row + 1]
    columns, values = features.indices[start:end], features.data[start:end]
    is_word = columns < word_count
    columns, values = columns[is_word], values[is_word]
    pushes = values * weights[columns]
    order = np.argsort(-pushes)
    words = []
    for position in order:
        if pushes[position] <= 0 or len(words) == EXPLAINING_WORDS:
            break
        word = str(vocabulary[columns[position]])
        # A GL token reads as the code; a bigram overlapping a word already named adds little.
        if word.startswith("gl") and word[2:].isalnum() and any(ch.isdigit() for ch in word):
            word = f"GL {word[2:].upper()}"
        if not any(word in named or named in word for named in words):
            words.append(word)
    return tuple(words)


@dataclass(frozen=True)
class Accuracy:
    """How often the true category was the first suggestion, and among the first three, over
    `lines` held-out lines; `majority` is the share a model that always says the commonest
    category would get right, the figure to beat."""

    top1: float
    top3: float
    lines: int
    majority: float


def _hits(classifier: Classifier, texts, labels, counts) -> tuple[float, float, float]:
    chances = probabilities(classifier, texts)
    top3 = np.argsort(-chances, axis=1)[:, :3]
    truth = np.asarray(labels, dtype=object).astype(str)
    predicted = classifier.labels[top3]
    first = (predicted[:, 0] == truth).astype(float)
    among3 = (predicted == truth[:, None]).any(axis=1).astype(float)
    counts = np.asarray(counts, dtype=float)
    return float(first @ counts), float(among3 @ counts), float(counts.sum())


def held_out_accuracy(
    texts: Sequence[str],
    labels: Sequence,
    counts: Sequence[int],
    test_share: float = 0.2,
    seed: int = 0,
) -> Accuracy:
    """Top-1 and top-3 accuracy on a random `test_share` of the lines, the model trained on the
    rest. The lines come grouped by text: each group's lines are split between training and
    test at random (binomially), which is the same as splitting the lines themselves."""
    rng = np.random.default_rng(seed)
    counts = np.asarray(counts, dtype=np.int64)
    tested = rng.binomial(counts, test_share)
    kept = counts - tested
    labels = np.asarray(labels, dtype=object)
    train_rows, test_rows = np.flatnonzero(kept > 0), np.flatnonzero(tested > 0)
    classifier = train([texts[i] for i in train_rows], labels[train_rows], kept[train_rows])
    top1, top3, lines = _hits(
        classifier, [texts[i] for i in test_rows], labels[test_rows], tested[test_rows]
    )
    majority = _majority_hits(
        labels[train_rows], kept[train_rows], labels[test_rows], tested[test_rows]
    )
    return Accuracy(top1 / lines, top3 / lines, int(lines), majority / lines)


def _majority_hits(train_labels, train_counts, test_labels, test_counts) -> float:
    """Test lines a model that always answers the training's commonest category gets right."""
    totals: dict = {}
    for label, count in zip(train_labels, train_counts, strict=True):
        totals[label] = totals.get(label, 0) + count
    commonest = max(totals, key=totals.get)
    return float(np.asarray(test_counts, dtype=float)[np.asarray(test_labels) == commonest].sum())


def cross_validated_accuracy(
    texts: Sequence[str],
    labels: Sequence,
    counts: Sequence[int] | None = None,
    folds: int = 5,
    groups: Sequence | None = None,
    seed: int = 0,
) -> Accuracy:
    """Top-1 and top-3 accuracy over `folds` folds: every line is predicted once, by a model
    trained on the other folds. `counts` says how many lines each text stands for (one each if
    not given). Without `groups` each line goes to a fold at random (a text's lines are dealt
    out multinomially, the same as dealing out the lines themselves); with `groups` (e.g. the
    supplier) all of a group's lines share a fold: the accuracy on suppliers never seen."""
    from sklearn.model_selection import GroupKFold

    labels = np.asarray(labels, dtype=object)
    counts = np.ones(len(texts), dtype=np.int64) if counts is None else np.asarray(counts)
    if groups is None:
        rng = np.random.default_rng(seed)
        dealt = np.stack([rng.multinomial(count, [1 / folds] * folds) for count in counts])
    else:
        dealt = np.zeros((len(texts), folds), dtype=np.int64)
        for fold, (_, test_rows) in enumerate(
            GroupKFold(n_splits=folds).split(texts, labels, groups)
        ):
            dealt[test_rows, fold] = counts[test_rows]
    top1 = top3 = lines = majority = 0.0
    for fold in range(folds):
        tested, kept = dealt[:, fold], counts - dealt[:, fold]
        train_rows, test_rows = np.flatnonzero(kept > 0), np.flatnonzero(tested > 0)
        classifier = train([texts[i] for i in train_rows], labels[train_rows], kept[train_rows])
        first, three, count = _hits(
            classifier, [texts[i] for i in test_rows], labels[test_rows], tested[test_rows]
        )
        top1, top3, lines = top1 + first, top3 + three, lines + count
        majority += _majority_hits(
            labels[train_rows], kept[train_rows], labels[test_rows], tested[test_rows]
        )
    return Accuracy(top1 / lines, top3 / lines, int(lines), majority / lines)


def weighted_spend(spend: float, confidence: float) -> float:
    """The review queue's order: the spend a suggestion would classify, times how sure the
    model is. A large, near-certain suggestion is the one most worth a person's glance."""
    value = float(spend) * float(confidence)
    return 0.0 if math.isnan(value) else value
