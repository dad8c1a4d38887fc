"""The demo's assessments: three dates, progress in some categories and not in others."""

import datetime

import numpy as np

from portfolio import demo, maturity
from portfolio.models import MaturityAssessment, MaturityScore
from tests.factories import add_spend


def test_progressing_categories_climb_and_the_others_never_do():
    rng = np.random.default_rng([7, 7007])
    for code in ["DM", "HR", "PK", "TRV", "IT", "MKT"]:
        rounds = demo._levels(rng, code)
        assert len(rounds) == 3
        first, last = sum(rounds[0].values()), sum(rounds[-1].values())
        if code in demo.PROGRESSING:
            assert last > first, code
        else:
            assert all(
                later[key] <= earlier[key]
                for earlier, later in zip(rounds, rounds[1:], strict=False)
                for key in maturity.DIMENSIONS
            ), code


def test_demo_assesses_every_owned_top_category_on_three_dates(company):
    add_spend(company, 200)
    today = datetime.date(2026, 11, 20)
    demo.load(7, today=today)
    dates = sorted(set(MaturityAssessment.objects.values_list("assessed_on", flat=True)))
    assert dates == [datetime.date(2025, 11, 20), datetime.date(2026, 5, 20), today]
    assert MaturityAssessment.objects.filter(category=company.it).count() == 3
    assert MaturityScore.objects.count() == 2 * 3 * len(maturity.DIMENSIONS)
    # The latest round carries the evidence the app held, and a note wherever a level
    # goes beyond it.
    latest = MaturityScore.objects.filter(assessment__assessed_on=today)
    assert all(score.evidence for score in latest)
    for score in latest:
        if maturity.needs_note(score.level, score.evidence_level):
            assert score.note
    demo.load(7, today=today)  # a reload starts afresh
    assert MaturityAssessment.objects.count() == 6
