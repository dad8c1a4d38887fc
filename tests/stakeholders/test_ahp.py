"""AHP weights and consistency against Saaty's published example, and its invariants."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stakeholders import ahp

# Saaty, T. L. (2008) "Decision making with the analytic hierarchy process", International
# Journal of Services Sciences 1(1), 83-98, Table 2: "Which drink is consumed more in the U.S.?"
# Published eigenvector .177 .019 .042 .116 .190 .129 .327 and C.R. = .022.
DRINKS = ["Coffee", "Wine", "Tea", "Beer", "Sodas", "Milk", "Water"]
DRINKS_MATRIX = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_WEIGHTS = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_saatys_drinks_example_gives_the_published_weights_and_consistency():
    result = ahp.priorities(DRINKS_MATRIX)
    assert result.weights == pytest.approx(DRINKS_WEIGHTS, abs=0.0005)
    assert result.cr == pytest.approx(0.022, abs=0.0005)
    assert result.consistent
    assert result.random_index == 1.32
    assert result.random_index_table == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)


def test_hand_worked_consistent_three_by_three():
    # Weights 4:2:1 → a_ij = w_i / w_j; lambda_max = 3, CI = CR = 0.
    result = ahp.priorities([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert result.weights == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert result.lambda_max == pytest.approx(3)
    assert result.ci == pytest.approx(0, abs=1e-9)
    assert result.cr == pytest.approx(0, abs=1e-9)


def test_a_cycle_of_preferences_is_inconsistent_and_the_odd_judgement_is_pointed_out():
    # A > B (3), B > C (3), yet C > A (3): a circle of preferences, CR far above 0.10.
    matrix = [[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]]
    result = ahp.priorities(matrix)
    assert result.cr > ahp.CONSISTENCY_LIMIT
    assert not result.consistent


def test_one_wrong_judgement_in_a_consistent_matrix_is_the_one_pointed_out():
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    matrix = np.outer(weights, 1 / weights)
    matrix[0, 3], matrix[3, 0] = 1 / 5, 5  # should be 4: the first driver matters most
    result = ahp.priorities(matrix)
    assert result.cr > ahp.CONSISTENCY_LIMIT
    worst = ahp.most_inconsistent(matrix, result.weights)
    assert (worst.row, worst.column) == (0, 3)
    assert worst.given == pytest.approx(1 / 5)
    assert worst.fitting > 1  # the weights say the first driver is the more important


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [1 / 2, 1, 2]], "square"),
        ([[1, -2], [-1 / 2, 1]], "positive"),
        ([[1, 0], [0, 1]], "positive"),
        ([[1, 3], [3, 1]], "not reciprocal"),
    ],
)
def test_unusable_matrices_are_refused_with_the_reason(matrix, message):
    with pytest.raises(ahp.ComparisonError, match=message):
        ahp.priorities(matrix)


def test_geometric_mean_of_judges_stays_reciprocal():
    one = [[1, 9], [1 / 9, 1]]
    other = [[1, 1], [1, 1]]
    combined = ahp.combine_judges([one, other])
    assert combined == pytest.approx(np.array([[1, 3], [1 / 3, 1]]))
    ahp.check_matrix(combined)


def test_nearest_scale_value_works_on_the_log_scale():
    assert ahp.nearest_scale_value(4.4) == 4
    assert ahp.nearest_scale_value(0.3) == pytest.approx(1 / 3)
    assert ahp.nearest_scale_value(20) == 9


positive_weights = st.lists(st.floats(0.05, 20), min_size=2, max_size=10)


@given(positive_weights)
def test_a_consistent_matrix_has_no_inconsistency(weights):
    w = np.array(weights)
    result = ahp.priorities(np.outer(w, 1 / w))
    assert result.cr == pytest.approx(0, abs=1e-6)
    assert result.weights == pytest.approx(w / w.sum(), rel=1e-6)


saaty_values = st.sampled_from([*ahp.SCALE, *(1 / s for s in ahp.SCALE)])


@st.composite
def judgement_matrices(draw):
    n = draw(st.integers(2, 8))
    upper = {(i, j): draw(saaty_values) for i in range(n) for j in range(i + 1, n)}
    return ahp.matrix_from_judgements(n, upper)


@given(judgement_matrices())
def test_weights_sum_to_one_and_are_positive(matrix):
    result = ahp.priorities(matrix)
    assert result.weights.sum() == pytest.approx(1)
    assert (result.weights > 0).all()


@given(judgement_matrices(), st.randoms())
def test_permuting_the_drivers_permutes_the_weights(matrix, random):
    order = list(range(len(matrix)))
    random.shuffle(order)
    permuted = matrix[np.ix_(order, order)]
    original = ahp.priorities(matrix)
    result = ahp.priorities(permuted)
    assert result.weights == pytest.approx(original.weights[order], abs=1e-9)
    assert result.cr == pytest.approx(original.cr, abs=1e-9)
