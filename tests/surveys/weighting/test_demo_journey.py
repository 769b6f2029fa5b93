"""`flask seed-demo` leaves the cycling survey ready for issue #17's walk-through: a current population
version, district and age band mapped to it option by option, weighting on, weights that differ from 1
and bring the sample to the population, a panel naming under-represented groups; seeding twice keeps it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.accounts.models import User
from participation.analytics.models import PopulationVersion
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.mapping import load_mapping, load_settings
from participation.surveys.weighting.models import WeightingOption, WeightingQuestion, WeightingSettings
from participation.surveys.weighting.reference import reference_margins
from participation.surveys.weighting.service import representativeness, survey_weights
from tests.conftest import UserInfo, login

TITLE = "Radverkehr in Musterstadt 2025"


def _seed(cli) -> None:
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output


def _state() -> tuple:
    """What the seeder wrote for weighting, as comparable rows."""
    versions = db.session.execute(select(PopulationVersion.id, PopulationVersion.is_current)).all()
    mapped = db.session.execute(select(WeightingQuestion.question_id, WeightingQuestion.dimension)).all()
    options = db.session.execute(select(WeightingOption.option_id, WeightingOption.category)).all()
    settings = db.session.execute(select(WeightingSettings.survey_id, WeightingSettings.enabled)).all()
    return sorted(versions), sorted(mapped), sorted(options), sorted(settings)


def test_seed_demo_leaves_the_demo_survey_mapped_weighted_and_warning(app, cli):
    _seed(cli)
    with app.app_context():
        current = db.session.scalars(select(PopulationVersion).where(PopulationVersion.is_current)).all()
        assert len(current) == 1
        reference = reference_margins()
        assert reference is not None and {"district", "age_band"} <= set(reference.margins)
        survey = db.session.scalar(select(Survey).where(Survey.title == TITLE))
        by_text = {q.text: q for q in survey.questions}
        district, age = by_text["In welchem Ortsteil wohnen Sie?"], by_text["Wie alt sind Sie?"]

        # The mapping: both questions, every option to a group the current version carries.
        mapping = {m.dimension: m for m in load_mapping(survey.id)}
        assert set(mapping) == {"district", "age_band"}
        for dimension, question in (("district", district), ("age_band", age)):
            assert mapping[dimension].question_id == question.id
            categories = mapping[dimension].categories
            assert set(categories) == {o.id for o in question.choices}, dimension
            assert set(categories.values()) <= set(reference.categories(dimension)), dimension
        assert load_settings(survey.id).enabled

        # The weights: they differ between cells and stay inside the trimming bounds.
        weights = survey_weights(survey)
        assert weights is not None and weights.converged and weights.unweighted_n == 300
        values = set(round(w, 6) for w in weights.cell_weights.values())
        assert len(values) > 3 and min(values) < 1 < max(values)
        settings = load_settings(survey.id)
        assert (
            float(settings.trim_lower) - 1e-9 <= min(values)
            and max(values) <= float(settings.trim_upper) + 1e-9
        )
        assert 1 < weights.design_effect and weights.effective_n < 300

        # The panel: at least one group under-represented (the young, Nordviertel), weighting closes the gap.
        panel = representativeness(survey)
        assert panel is not None and panel.settings.enabled and panel.weights is not None
        assert panel.problem is None
        under = {(d.dimension, row.label) for d in panel.dimensions for row in d.rows if row.under}
        assert ("age_band", "14–29") in under and ("district", "Nordviertel") in under, under
        assert panel.warnings >= len(under) >= 2
        for dim in panel.dimensions:
            assert dim.label in {"Bezirk", "Altersgruppe"}  # named for planners, not the raw dimension
            for row in dim.rows:
                if row.under:
                    assert row.sample_share < row.population_share
                assert row.weighted_share == pytest.approx(row.population_share, abs=0.01), (
                    dim.dimension,
                    row,
                )
        db.session.remove()


def test_seeding_twice_keeps_the_weighting_as_it_was(app, cli):
    _seed(cli)
    with app.app_context():
        first = _state()
        db.session.remove()
    _seed(cli)
    with app.app_context():
        assert _state() == first
        assert db.session.scalar(select(func.count()).select_from(PopulationVersion)) == len(first[0])
        db.session.remove()


def test_demo_planner_sees_the_panel_and_weighted_results(app, cli, client):
    """The demo's own planner account gets the panel, the weighted note and the switch on the results page."""
    _seed(cli)
    account = next(a for a in DEMO_ACCOUNTS if a.email == "planung@musterstadt.example")
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id).where(Survey.title == TITLE))
        planner_id = db.session.scalar(select(User.id).where(User.email == account.email))
        db.session.remove()
    login(client, UserInfo(planner_id, account.email, account.password, account.display_name))
    html = client.get(f"/umfragen/{survey_id}/ergebnisse").get_data(as_text=True)
    assert 'id="gewichtung"' in html and "unterrepräsentiert" in html and 'id="gewichtet"' in html
    assert "Gewichtung ausschalten" in html
