"""The analytic hierarchy process (AHP): weights from pairwise comparisons on Saaty's 1-9 scale.

Weights are the principal eigenvector of the reciprocal comparison matrix, normalised to sum to
one; consistency follows Saaty: CI = (lambda_max - n) / (n - 1), CR = CI / RI(n), with the
random index of Saaty (1980), "The Analytic Hierarchy Process", McGraw-Hill.
"""

from dataclasses import dataclass

import numpy as np

# Saaty's random index, n = 1..10: the mean CI of random reciprocal matrices of that size.
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
RANDOM_INDEX_SOURCE = "Saaty (1980), random index for n = 1..10"
CONSISTENCY_LIMIT = 0.10
SCALE = (1, 2, 3, 4, 5, 6, 7, 8, 9)
_TOLERANCE = 1e-6


class ComparisonError(ValueError):
    """A comparison matrix that the method cannot use, with the reason in words."""


@dataclass(frozen=True)
class Priorities:
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    random_index: float
    random_index_table: tuple[float, ...] = RANDOM_INDEX
    random_index_source: str = RANDOM_INDEX_SOURCE

    @property
    def consistent(self) -> bool:
        return self.cr <= CONSISTENCY_LIMIT

    @property
    def cr_shown(self) -> str:
        return shown_ratio(self.cr)


def shown_ratio(cr: float, limit: float = CONSISTENCY_LIMIT) -> str:
    """The consistency ratio to two decimals, or as many more (up to six) as it takes to read
    on the same side of `limit` as the verdict: 0.1006 is "0.101", not "0.10" beside "above
    0.10"."""
    for digits in range(2, 7):
        text = f"{cr:.{digits}f}"
        if (float(text) <= limit) == (cr <= limit):
            return text
    return text


@dataclass(frozen=True)
class Disagreement:
    """The judgement a[row, column] that strays furthest from the derived weights, and the value
    on Saaty's scale that the weights say would fit (as a >= 1 judgement for one side)."""

    row: int
    column: int
    given: float
    fitting: float


def check_matrix(matrix) -> np.ndarray:
    """The matrix as floats, or ComparisonError when it is not square, positive and reciprocal."""
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ComparisonError(f"A comparison matrix must be square; this one is {a.shape}.")
    if a.shape[0] > len(RANDOM_INDEX):
        raise ComparisonError(
            f"At most {len(RANDOM_INDEX)} drivers can be compared (Saaty's random index stops "
            f"there); this matrix has {a.shape[0]}."
        )
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ComparisonError("Every comparison must be a positive number.")
    off = np.abs(a * a.T - 1.0)
    if np.any(off > _TOLERANCE):
        row, column = np.unravel_index(np.argmax(off), a.shape)
        raise ComparisonError(
            f"The matrix is not reciprocal: a[{row}][{column}] = {a[row, column]:g} but "
            f"a[{column}][{row}] = {a[column, row]:g}, which should be {1 / a[row, column]:g}."
        )
    return a


def priorities(matrix) -> Priorities:
    """Weights (principal eigenvector, normalised), lambda_max, CI and CR of a comparison matrix."""
    a = check_matrix(matrix)
    n = a.shape[0]
    values, vectors = np.linalg.eig(a)
    principal = int(np.argmax(values.real))
    # Perron-Frobenius: the principal eigenvector of a positive matrix has one sign throughout.
    vector = np.abs(vectors[:, principal].real)
    weights = vector / vector.sum()
    lambda_max = float(values[principal].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0)  # rounding can leave a consistent matrix a hair below n
    random_index = RANDOM_INDEX[n - 1]
    cr = ci / random_index if random_index else 0.0
    return Priorities(weights, lambda_max, ci, cr, random_index)


def most_inconsistent(matrix, weights) -> Disagreement:
    """The comparison furthest (as a ratio) from w_i / w_j, with the scale value that would fit.

    The wrong judgement pulls the weights towards itself, so the value that fits is taken from
    the other judgements: the geometric mean of the indirect comparisons a_ik * a_kj over every
    other driver k, rounded to the nearest step of the 1-9 scale."""
    a = check_matrix(matrix)
    w = np.asarray(weights, dtype=float)
    implied = np.outer(w, 1.0 / w)
    distance = np.abs(np.log(a) - np.log(implied))
    rows, columns = np.triu_indices(a.shape[0], 1)
    worst = int(np.argmax(distance[rows, columns]))
    row, column = rows[worst], columns[worst]
    others = [k for k in range(a.shape[0]) if k not in (row, column)]
    if others:
        ratio = float(np.exp(np.mean([np.log(a[row, k] * a[k, column]) for k in others])))
    else:
        ratio = implied[row, column]
    fitting = nearest_scale_value(ratio)
    return Disagreement(int(row), int(column), float(a[row, column]), fitting)


def nearest_scale_value(ratio: float) -> float:
    """The judgement on Saaty's scale (1..9 or 1/9..1) closest to `ratio` on a log scale."""
    candidates = np.array([*(1 / s for s in SCALE[:0:-1]), *SCALE], dtype=float)
    return float(candidates[np.argmin(np.abs(np.log(candidates) - np.log(ratio)))])


def matrix_from_judgements(n: int, judgements: dict[tuple[int, int], float]) -> np.ndarray:
    """The full reciprocal matrix from the upper-triangle judgements {(i, j): a_ij, i < j}."""
    a = np.ones((n, n))
    for (i, j), value in judgements.items():
        a[i, j] = value
        a[j, i] = 1.0 / value
    return a


def combine_judges(matrices) -> np.ndarray:
    """Several judges' matrices as one, by element-wise geometric mean (Aczél and Saaty 1983:
    the only mean that keeps the result reciprocal)."""
    checked = [check_matrix(m) for m in matrices]
    if not checked:
        raise ComparisonError("There are no judges' matrices to combine.")
    if len({m.shape for m in checked}) > 1:
        raise ComparisonError("Every judge must compare the same drivers.")
    return np.exp(np.log(np.array(checked)).mean(axis=0))
