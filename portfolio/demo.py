"""Demo maturity assessments: three dates a year apart in all, on which some categories climb
towards category management and others stand still, so the CPO's trend and heatmap have a
story to tell. Deterministic for a seed; the latest assessment carries the evidence the app
holds that day."""

import datetime

import numpy as np
from django.db import transaction

from categories.models import Category
from portfolio import evidence, maturity
from portfolio.maturity_wording import ensure_maturity_model
from portfolio.models import (
    MaturityAssessment,
    MaturityDescriptor,
    MaturityDimension,
    MaturityScore,
)
from spend import cube

# Months before the latest assessment: a year ago, six months ago, now.
ROUNDS_BACK = (12, 6, 0)
# Categories whose managers have been working at it: each round lifts most dimensions a level.
PROGRESSING = {"DM", "PK", "IT", "LOG", "FM"}
# Where the demo company is strongest from the start (data-rich, long-standing teams).
HEAD_START = {"DM": 1, "PK": 1, "IT": 1, "EN": 1}
NOTES = {
    maturity.STAKEHOLDER_FOCUS: "Quarterly reviews with the main units started this half-year.",
    maturity.SUPPLIER_RELATIONSHIPS: "Joint improvement plan with the two largest suppliers.",
    maturity.VALUE_BEYOND_SAVINGS: "Waste reduction counted as cost avoidance from this year.",
    maturity.CATEGORY_PLANNING: "Plan drafted with the units; CPO review booked.",
}


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, min(day.day, 28))


def _levels(rng, code: str) -> list[dict]:
    """{dimension: level} for each round, oldest first."""
    start = {
        key: int(np.clip(1 + HEAD_START.get(code, 0) + rng.integers(0, 2), 1, 3))
        for key in maturity.DIMENSIONS
    }
    rounds = [start]
    for _ in ROUNDS_BACK[1:]:
        previous = rounds[-1]
        if code in PROGRESSING:
            step = {key: int(rng.random() < 0.7) for key in maturity.DIMENSIONS}
        else:
            # Standing still, with the odd slip where a team lost a person.
            step = {key: -int(rng.random() < 0.12) for key in maturity.DIMENSIONS}
        rounds.append(
            {key: int(np.clip(previous[key] + step[key], 1, 5)) for key in maturity.DIMENSIONS}
        )
    return rounds


@transaction.atomic
def load(seed: int = 7, today: datetime.date | None = None) -> None:
    """Write three rounds of assessments for every owned top-level category."""
    today = today or datetime.date.today()
    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    MaturityAssessment.objects.all().delete()
    dimensions = {dimension.key: dimension for dimension in MaturityDimension.objects.all()}
    rng = np.random.default_rng([seed, 7007])
    period = cube.latest_period()
    categories = Category.objects.filter(parent__isnull=True, owner__isnull=False)
    for category in categories.select_related("owner").order_by("code"):
        rounds = _levels(rng, category.code)
        for months_back, levels in zip(ROUNDS_BACK, rounds, strict=True):
            # The owner assesses, so the evidence is what the owner may read (anonymity).
            held = (
                evidence.gather(category, period, category.owner, today) if not months_back else {}
            )
            assessment = MaturityAssessment.objects.create(
                category=category,
                assessed_on=_months_before(today, months_back),
                assessed_by=category.owner,
            )
            MaturityScore.objects.bulk_create(
                _score(assessment, dimensions[key], level, held.get(key), rng)
                for key, level in levels.items()
            )


def _score(assessment, dimension, level, held, rng) -> MaturityScore:
    answers = [step <= level for step in range(maturity.LOWEST + 1, maturity.HIGHEST + 1)]
    evidence_level = held.level if held else None
    suggested = maturity.suggested_level(maturity.answers_level(answers), evidence_level)
    note = ""
    if maturity.needs_note(level, evidence_level) or rng.random() < 0.15:
        note = NOTES.get(dimension.key, "The data lags what the team does: see the minutes.")
    return MaturityScore(
        assessment=assessment,
        dimension=dimension,
        answers=answers,
        evidence=held.reason if held else "",
        evidence_level=evidence_level,
        suggested_level=suggested,
        level=level,
        note=note,
    )
