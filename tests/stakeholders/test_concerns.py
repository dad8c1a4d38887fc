"""The arithmetic of "you said, we did" (stakeholders.concerns) on hand-worked answers."""

import datetime

import pytest

from stakeholders import concerns
from stakeholders.concerns import Answer

QUALITY, COST, SPEED, INNOVATION = 1, 2, 3, 4
IT = 10
MFG, FIN, OPS = 20, 21, 22


def test_a_detractor_unhappy_on_its_top_driver_raises_one_void_and_the_other_low_driver_its_own():
    # Weights over four drivers: an equal share is 0.25. Quality (0.5) is the top driver and
    # rated 2, so it is the void's reason and raises no second concern; Speed (0.25, an equal
    # share) rated 2 raises one; Cost rated 1 but weighted 0.1 raises none.
    answer = Answer(
        unit_id=MFG,
        category_id=IT,
        recommend=4,
        comment="Deliveries keep missing the window.",
        ratings={QUALITY: (5, 2), COST: (3, 1), SPEED: (4, 2), INNOVATION: (2, 4)},
        weights={QUALITY: 0.5, COST: 0.1, SPEED: 0.25, INNOVATION: 0.15},
    )
    found = concerns.concerns_in([answer], anonymous=False)
    assert [c.key for c in found] == [
        f"void-{IT}-u{MFG}",
        f"low-{IT}-d{SPEED}-u{MFG}",
        f"comment-{IT}-u{MFG}",
    ]
    void, low, comment = found
    assert void.detractor and void.unit_id == MFG
    assert low.satisfaction == 2 and low.driver_id == SPEED
    assert comment.comment == "Deliveries keep missing the window."


def test_without_stated_priorities_an_importance_of_four_or_five_is_weighting_highly():
    # Top by importance: Quality (5), rated 3, so no void (recommend 8 is passive). Speed
    # (importance 4, satisfaction 1) is a concern; Cost (importance 3, satisfaction 1) is not.
    answer = Answer(
        unit_id=MFG,
        category_id=IT,
        recommend=8,
        ratings={QUALITY: (5, 3), COST: (3, 1), SPEED: (4, 1)},
    )
    assert [c.key for c in concerns.concerns_in([answer], anonymous=False)] == [
        f"low-{IT}-d{SPEED}-u{MFG}"
    ]


def test_a_happy_answer_without_comment_raises_nothing():
    answer = Answer(MFG, IT, 10, "  ", {QUALITY: (5, 5), COST: (5, 4)}, {QUALITY: 0.5, COST: 0.5})
    assert concerns.concerns_in([answer], anonymous=False) == []


def test_an_anonymous_round_raises_concerns_for_the_category_never_for_a_unit():
    # MFG: passive, but rates Cost (its stated top driver) 2: a void, as the voids page reads
    # it; its Quality 2 with importance 5 is a low concern although its stated weight for
    # Quality is only 0.1: an anonymous round reads the answer's own importance, never the
    # stated priorities a manager can read unit by unit. FIN: top driver Cost rated 4, no void;
    # Quality 2 with importance 5. OPS: a detractor. MFG and FIN comment.
    answers = [
        Answer(
            MFG, IT, 7, "Slow quotes", {QUALITY: (5, 2), COST: (2, 2)}, {COST: 0.9, QUALITY: 0.1}
        ),
        Answer(
            FIN, IT, 8, "Good people", {QUALITY: (5, 2), COST: (5, 4)}, {COST: 0.6, QUALITY: 0.4}
        ),
        Answer(OPS, IT, 3, "", {QUALITY: (3, 4), COST: (4, 4)}),
    ]
    found = concerns.concerns_in(answers, anonymous=True)
    assert [(c.key, c.answers) for c in found] == [
        (f"void-{IT}", 2),  # MFG and OPS
        (f"low-{IT}-d{QUALITY}", 2),  # MFG and FIN
        (f"comment-{IT}", 2),  # MFG and FIN
    ]
    assert all(c.unit_id is None and c.comment == "" and c.satisfaction is None for c in found)


def test_keys_read_back_and_malformed_keys_are_refused():
    assert concerns.parse_key(concerns.key("low", 5, 7, 9)) == ("low", 5, 7, 9)
    assert concerns.parse_key(concerns.key("void", 5)) == ("void", 5, None, None)
    assert concerns.parse_key(concerns.key("comment", 5, unit_id=3)) == ("comment", 5, None, 3)
    for bad in ["", "void", "void-x", "low-5", "void-5-d3", "comment-5-u", "void-5-u3-u4", "x-5"]:
        assert concerns.parse_key(bad) is None, bad


def test_answered_share_counts_concerns_with_a_response():
    assert concerns.answered_share(8, 6) == 0.75
    assert concerns.answered_share(0, 0) is None


def test_median_days_to_a_response_on_hand_worked_dates():
    raised = datetime.date(2026, 3, 1)
    days = [
        concerns.days_to_response(raised, datetime.date(2026, 3, 1)),  # 0
        concerns.days_to_response(raised, datetime.date(2026, 3, 4)),  # 3
        concerns.days_to_response(raised, datetime.date(2026, 3, 11)),  # 10
        concerns.days_to_response(raised, datetime.date(2026, 4, 10)),  # 40
    ]
    assert days == [0, 3, 10, 40]
    assert concerns.median_days(days) == 6.5  # (3 + 10) / 2
    assert concerns.median_days([]) is None
    assert concerns.days_to_response(raised, datetime.date(2026, 2, 27)) == 0


def test_actions_done_on_time_count_only_those_due_or_done():
    today = datetime.date(2026, 6, 30)
    actions = [
        (datetime.date(2026, 6, 1), datetime.date(2026, 5, 28)),  # done early: on time
        (datetime.date(2026, 6, 10), datetime.date(2026, 6, 15)),  # done late
        (datetime.date(2026, 6, 20), None),  # overdue: due, not on time
        (datetime.date(2026, 7, 15), None),  # not due yet: counts nowhere
        (datetime.date(2026, 7, 15), datetime.date(2026, 6, 1)),  # done before due: on time
        (None, None),  # no date promised
    ]
    result = concerns.on_time(actions, today)
    assert (result.done_on_time, result.due) == (2, 4)
    assert result.share == 0.5
    assert concerns.on_time([], today).share is None
    assert concerns.is_overdue(datetime.date(2026, 6, 20), None, today)
    assert not concerns.is_overdue(datetime.date(2026, 6, 30), None, today)


def test_satisfaction_change_after_action_against_without():
    pairs = [
        (True, 2, 4),  # +2
        (True, 3, 4),  # +1
        (False, 2, 2),  # 0
        (False, 3, 2.5),  # -0.5
        (True, None, 3),  # not followed up: left out
    ]
    change = concerns.satisfaction_change(pairs)
    assert (change.acted, change.acted_count) == (1.5, 2)
    assert (change.not_acted, change.not_acted_count) == (-0.25, 2)
    assert change.difference == pytest.approx(1.75)
    empty = concerns.satisfaction_change([])
    assert empty.acted is None and empty.difference is None
