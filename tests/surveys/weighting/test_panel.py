"""The representativeness panel: figures recomputed from the answers, warnings, the table, the demo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.core.demo import seed_demo
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.models import WeightingSettings
from participation.surveys.weighting.service import representativeness
from tests.conftest import ROLE_SETS, count_queries, login
from tests.surveys.weighting.factories import AGES, DISTRICTS, add_responses, weighted_world

GROUPS = {
    ("Nord", "18–39 Jahre"): 10,
    ("Nord", "40–64 Jahre"): 25,
    ("Nord", "65+ Jahre"): 20,
    ("Süd", "40–64 Jahre"): 12,
    ("Süd", "65+ Jahre"): 18,
    ("Süd", "18–39 Jahre"): 3,
    ("Ost", "18–39 Jahre"): 4,
    ("Ost", "40–64 Jahre"): 6,
    ("Ost", "65+ Jahre"): 5,
    ("Sonstiges", "65+ Jahre"): 2,
    (None, "40–64 Jahre"): 1,
}


@pytest.fixture
def world(app, make_user):
    """The weighted survey answered in GROUPS, weighting on with the default trimming bounds."""
    return weighted_world(app, make_user, GROUPS)


def expected_rows(position: int, population: dict[str, int], labels: dict[str, str]) -> dict[str, tuple]:
    """(count, sample share, population share) per group, counted straight from GROUPS."""
    counts = dict.fromkeys(population, 0)
    for key, n in GROUPS.items():
        if key[position] in labels:
            counts[labels[key[position]]] += n
    answered = sum(counts.values())
    total = sum(population.values())
    return {g: (counts[g], counts[g] / answered, population[g] / total) for g in population}


def test_panel_figures_match_a_count_of_the_answers(app, world):
    with app.app_context():
        panel = representativeness(db.session.get(Survey, world.survey_id))
    assert panel.total == 106 and panel.not_weighted == 3
    district, age = panel.dimensions
    assert (district.dimension, age.dimension) == ("district", "age_band")
    assert (district.answered, district.not_mapped, age.answered, age.not_mapped) == (103, 3, 106, 0)
    ages = {"18–39 Jahre": "18-39", "40–64 Jahre": "40-64", "65+ Jahre": "65+"}
    for dimension, expected in (
        (district, expected_rows(0, DISTRICTS, {d: d for d in DISTRICTS})),
        (age, expected_rows(1, AGES, ages)),
    ):
        assert [row.label for row in dimension.rows] == list(expected)
        for row in dimension.rows:
            count, sample, population = expected[row.label]
            assert row.count == count
            assert row.sample_share == pytest.approx(sample)
            assert row.population_share == pytest.approx(population)
            assert row.difference_pp == pytest.approx((sample - population) * 100)
            assert row.under is (population - sample > 0.05)
            assert row.too_few is (count < 30)
    # Nord: 55 of 103 = 53.4 % against 60 %: under-represented by 6.6 points; Ost has 15 respondents.
    rows = {row.label: row for row in district.rows}
    assert rows["Nord"].under and not rows["Süd"].under and rows["Ost"].too_few
    # Weighting is on: the weighted shares come near the population's (three responses weigh 1.0).
    assert panel.weights is not None and panel.weights.converged
    assert rows["Nord"].weighted_share == pytest.approx(0.6, abs=0.02)


def test_threshold_and_minimum_cases_come_from_the_settings(app, world):
    with app.app_context():
        settings = db.session.get(WeightingSettings, world.survey_id)
        settings.threshold_pp, settings.min_cases = 10, 5
        db.session.commit()
        panel = representativeness(db.session.get(Survey, world.survey_id))
    rows = {row.label: row for row in panel.dimensions[0].rows}
    assert not rows["Nord"].under and not rows["Ost"].too_few


def test_panel_on_the_weighting_page_is_an_accessible_table(client, world):
    login(client, world.planner)
    html = client.get(f"/umfragen/{world.survey_id}/gewichtung").get_data(as_text=True)
    panel = html[html.index('id="gewichtung"') :]
    assert panel.count("<caption") == 2 and 'scope="row">Nord<' in panel and 'scope="col"' in panel
    assert "unterrepräsentiert" in panel and "zu wenige Fälle" in panel
    assert "Bezirk „Nord“" in panel
    assert re.search(r"Ungewichtete Basis</dt><dd>106<", panel)
    assert "Designeffekt" in panel and "Effektive Fallzahl" in panel
    assert "3 Antworten, denen eine zugeordnete Angabe fehlt" in panel
    # The page has its own switch (the checkbox): the panel's button is left out there.
    assert "/gewichtung/schalter" not in panel


def test_panel_query_count_is_constant_and_get_writes_nothing(app, client, world):
    login(client, world.planner)
    url = f"/umfragen/{world.survey_id}/gewichtung"
    client.get(url)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as small:
        assert client.get(url).status_code == 200
    add_responses(app, world, {key: n * 20 for key, n in GROUPS.items()})
    with count_queries(engine) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    # Counted afresh in every request (the counts are kept for one request only): 106 + 20 * 106.
    assert "Alle 2.226 Antworten" in client.get(url).get_data(as_text=True)
    writes = [s for s in large if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_demo_survey_shows_the_panel_with_weighting_on(app, client, make_user):
    with app.app_context():
        seed_demo()
        db.session.commit()
        survey = db.session.scalar(select(Survey).where(Survey.title == "Radverkehr in Musterstadt 2025"))
        panel = representativeness(survey)
        survey_id = survey.id
    assert [d.dimension for d in panel.dimensions] == ["district", "age_band"]
    assert panel.settings.enabled and panel.weights is not None and panel.weights.converged
    under = {row.label for d in panel.dimensions for row in d.rows if row.under}
    assert "14–29" in under and "Nordviertel" in under
    login(client, make_user(ROLE_SETS["admin"]))
    html = client.get(f"/umfragen/{survey_id}/gewichtung").get_data(as_text=True)
    assert "Repräsentativität und Gewichtung" in html and "unterrepräsentiert" in html
