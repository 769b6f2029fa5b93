"""survey_weights: equal to an independent raking on small data, 1.0 for missing answers, constant queries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.models import WeightingSettings
from participation.surveys.weighting.service import representativeness, survey_weights
from tests.conftest import ROLE_SETS, count_queries, login
from tests.surveys.weighting.factories import (
    AGES,
    DISTRICTS,
    WIDE_BOUNDS,
    add_responses,
    weighted_world,
    weighting_survey,
)

GROUPS = {
    ("Nord", "18–39 Jahre"): 30,
    ("Nord", "40–64 Jahre"): 20,
    ("Nord", "65+ Jahre"): 10,
    ("Süd", "18–39 Jahre"): 5,
    ("Süd", "40–64 Jahre"): 15,
    ("Süd", "65+ Jahre"): 20,
    ("Ost", "18–39 Jahre"): 2,
    ("Ost", "40–64 Jahre"): 5,
    ("Ost", "65+ Jahre"): 8,
    # Not weighted (weight 1.0): an unmapped option, a missing answer on either question.
    ("Sonstiges", "40–64 Jahre"): 3,
    (None, "18–39 Jahre"): 2,
    ("Nord", None): 1,
}
AGE_BAND = dict(zip(("18–39 Jahre", "40–64 Jahre", "65+ Jahre"), AGES, strict=True))


def independent_raking(groups, districts, ages, iterations=2000):
    """Plain-Python iterative proportional fitting over single respondents: {(district, band): weight}."""
    units = [
        (d, AGE_BAND[a]) for (d, a), n in groups.items() if d in districts and a in AGE_BAND for _ in range(n)
    ]
    n = len(units)
    targets = [
        {k: v / sum(districts.values()) * n for k, v in districts.items()},
        {k: v / sum(ages.values()) * n for k, v in ages.items()},
    ]
    weights = [1.0] * n
    for _ in range(iterations):
        for dim, target in enumerate(targets):
            sums = dict.fromkeys(target, 0.0)
            for unit, w in zip(units, weights, strict=True):
                sums[unit[dim]] += w
            weights = [w * target[u[dim]] / sums[u[dim]] for u, w in zip(units, weights, strict=True)]
    return dict(zip(units, weights, strict=True))


@pytest.fixture
def world(app, make_user):
    """The weighted survey answered in GROUPS, no weight trimmed (the raking solution is then unique)."""
    return weighted_world(app, make_user, GROUPS, trim=WIDE_BOUNDS)


def test_weights_equal_an_independent_raking(app, world):
    expected = independent_raking(GROUPS, DISTRICTS, AGES)
    with app.app_context():
        weights = survey_weights(db.session.get(Survey, world.survey_id))
    assert weights is not None and weights.converged
    assert weights.question_ids == (world.district_q, world.age_q)
    assert len(weights.cell_weights) == 9
    for (district, band), weight in expected.items():
        age_label = next(label for label, b in AGE_BAND.items() if b == band)
        key = (world.o[f"district:{district}"], world.o[f"age:{age_label}"])
        assert weights.weight(key) == pytest.approx(weight, rel=1e-4), (district, band)
    # Weighted margins hit the population's shares among the 115 complete responses.
    by_district: dict[str, float] = {}
    for (district, age), count in GROUPS.items():
        if (district, AGE_BAND.get(age)) in expected:
            by_district[district] = by_district.get(district, 0) + count * expected[district, AGE_BAND[age]]
    assert by_district["Ost"] / 115 == pytest.approx(0.1, abs=1e-6)


def test_missing_or_unmapped_answers_weigh_one_and_diagnostics_cover_everyone(app, world):
    with app.app_context():
        weights = survey_weights(db.session.get(Survey, world.survey_id))
    assert weights is not None
    sonstiges = (world.o["district:Sonstiges"], world.o["age:40–64 Jahre"])
    assert weights.weight(sonstiges) == 1.0
    assert weights.weight((None, world.o["age:18–39 Jahre"])) == 1.0
    assert weights.weight((world.o["district:Nord"], None)) == 1.0
    # Kish over all 121 responses (the six unweighted count with 1.0).
    expected = independent_raking(GROUPS, DISTRICTS, AGES)
    complete = [
        expected[d, AGE_BAND[a]]
        for (d, a), n in GROUPS.items()
        if (d, AGE_BAND.get(a)) in expected
        for _ in range(n)
    ]
    all_weights = complete + [1.0] * 6
    n = len(all_weights)
    deff = n * sum(w * w for w in all_weights) / sum(all_weights) ** 2
    assert weights.unweighted_n == 121
    assert weights.design_effect == pytest.approx(deff, rel=1e-4)
    assert weights.effective_n == pytest.approx(n / deff, rel=1e-4)
    assert weights.trimmed_cells == 0


def _with_bounds(app, world, lower, upper):
    with app.app_context():
        settings = db.session.get(WeightingSettings, world.survey_id)
        settings.trim_lower, settings.trim_upper = lower, upper
        db.session.commit()
        survey = db.session.get(Survey, world.survey_id)
        return survey_weights(survey), representativeness(survey)


def test_trimming_bounds_hold_and_are_counted(app, world):
    # Untrimmed, the smallest weight is 0.546: a floor of 0.6 trims two cells and still fits the margins.
    weights, _panel = _with_bounds(app, world, 0.6, 1.6)
    assert weights is not None and weights.converged
    assert all(0.6 * 0.999 <= w <= 1.6 for w in weights.cell_weights.values())
    assert weights.trimmed_cells == 2


def test_bounds_too_tight_are_reported_as_not_converged(app, client, world):
    weights, panel = _with_bounds(app, world, 0.7, 1.4)
    assert weights is not None and not weights.converged and weights.iterations == 200
    assert panel.weights is weights or panel.weights == weights
    login(client, world.planner)
    html = client.get(f"/umfragen/{world.survey_id}/gewichtung").get_data(as_text=True)
    assert "nach 200 Durchgängen nicht eingestellt" in html


def test_none_when_off_unmapped_or_without_population(app, make_user, world):
    with app.app_context():
        survey = db.session.get(Survey, world.survey_id)
        db.session.get(WeightingSettings, world.survey_id).enabled = False
        db.session.commit()
        assert survey_weights(survey) is None
        # The panel still compares (weighting off), without weighted shares.
        panel = representativeness(survey)
        assert panel is not None and panel.weights is None and panel.mapped
    other = weighting_survey(app, make_user(ROLE_SETS["planner"]).id, "Ohne Zuordnung")
    with app.app_context():
        assert survey_weights(db.session.get(Survey, other.survey_id)) is None
        panel = representativeness(db.session.get(Survey, other.survey_id))
        assert panel is not None and not panel.mapped


def test_a_group_without_respondents_is_reported_not_weighted(app, make_user):
    built = weighted_world(
        app, make_user, {("Nord", "18–39 Jahre"): 5, ("Süd", "40–64 Jahre"): 5, ("Nord", "65+ Jahre"): 3}
    )
    with app.app_context():
        survey = db.session.get(Survey, built.survey_id)
        assert survey_weights(survey) is None
        panel = representativeness(survey)
    assert panel.problem and "„Ost“" in panel.problem and "niemand geantwortet" in panel.problem


def _queries(app, survey_id: int) -> tuple[int, int]:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        with count_queries(db.engine) as weights_sql:
            assert survey_weights(survey) is not None
        with count_queries(db.engine) as panel_sql:
            assert representativeness(survey) is not None
    return len(weights_sql), len(panel_sql)


def test_queries_do_not_grow_with_responses(app, world):
    small = _queries(app, world.survey_id)
    add_responses(app, world, {key: n * 40 for key, n in GROUPS.items()})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
    assert _queries(app, world.survey_id) == small
    assert small[0] <= 4 and small[1] <= 4
