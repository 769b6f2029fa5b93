"""Weighted results on the pages (#17 item 3): the results page, the cross-table and the report show the
weighted figures with the unweighted n beside them and say so; the public page stays unweighted; the
page's query count does not grow with the responses."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.weighting.service import survey_weights
from tests.conftest import count_queries, login
from tests.surveys.factories import set_dates
from tests.surveys.test_results import _text
from tests.surveys.weighting.factories import WIDE_BOUNDS, add_responses, weighted_world

GROUPS = {
    ("Nord", "18–39 Jahre"): 30,
    ("Nord", "40–64 Jahre"): 20,
    ("Süd", "40–64 Jahre"): 15,
    ("Süd", "65+ Jahre"): 20,
    ("Ost", "65+ Jahre"): 8,
    ("Ost", "18–39 Jahre"): 2,
    (None, "18–39 Jahre"): 2,
}


@pytest.fixture
def world(app, make_user):
    """The weighted survey answered in GROUPS, no weight trimmed."""
    return weighted_world(app, make_user, GROUPS, trim=WIDE_BOUNDS)


def _weighted_share(app, world, option_label: str) -> float:
    """The district's weighted share, from the weights alone (every response answered "other" = Ja)."""
    with app.app_context():
        weights = survey_weights(db.session.get(Survey, world.survey_id))
    assert weights is not None
    total = chosen = 0.0
    for (district, age), n in GROUPS.items():
        key = (
            world.o[f"district:{district}"] if district else None,
            world.o[f"age:{age}"] if age else None,
        )
        w = weights.weight(key) * n
        total += w
        chosen += w if district == option_label else 0.0
    return chosen / total * 100


def test_results_page_shows_weighted_shares_with_the_unweighted_n(app, client, world):
    login(client, world.planner)
    page = client.get(f"/umfragen/{world.survey_id}/ergebnisse")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    assert "Gewichtet." in text and "Anteil gewichtet" in text and "n ungewichtet" in text
    assert "Repräsentativität und Gewichtung" in text  # the panel explains the weighting (#gewichtung)
    share = _weighted_share(app, world, "Nord")
    shown = f"{share:.1f}".replace(".", ",") + " %"
    assert shown in text
    assert "Gewichtete Basis" in text


def test_cross_table_and_report_are_weighted(app, client, world):
    login(client, world.planner)
    query = f"zeilen={world.district_q}&spalten={world.age_q}&prozent=zeilen"
    text = _text(client.get(f"/umfragen/{world.survey_id}/ergebnisse?{query}").get_data(as_text=True))
    assert "Chi-Quadrat (Rao-Scott-korrigiert)" in text and "Designeffekt der Gewichtung" in text
    assert "n = 30" in text
    download = client.get(f"/umfragen/{world.survey_id}/ergebnisse/kreuztabelle?{query}&format=csv")
    lines = download.get_data().decode("utf-8-sig")
    assert "Anzahl gewichtet" in lines and "n ungewichtet" in lines and "Rao-Scott" in lines
    report = _text(client.get(f"/umfragen/verwaltung/{world.survey_id}/bericht").get_data(as_text=True))
    assert "Gewichtet." in report and "Anteil gewichtet" in report


def test_public_results_stay_unweighted(app, client, world):
    set_dates(app, world.survey_id, closed=True)
    with app.app_context():
        db.session.get(Survey, world.survey_id).results_published = True
        db.session.commit()
    text = _text(client.get(f"/umfragen/{world.survey_id}/ergebnisse").get_data(as_text=True))
    assert "Nord" in text and "Anteil gewichtet" not in text and "Gewichtet." not in text
    assert "Repräsentativität" not in text and "Gewichtete Basis" not in text


def test_results_page_queries_do_not_grow_with_responses(app, client, world):
    login(client, world.planner)

    def measure() -> int:
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            assert client.get(f"/umfragen/{world.survey_id}/ergebnisse").status_code == 200
        return len(statements)

    small = measure()
    add_responses(app, world, {("Süd", "18–39 Jahre"): 40, ("Ost", "40–64 Jahre"): 9})
    assert measure() == small
