"""The weighting page and the panel's switch: who may, what is suggested, what is refused and kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.surveys.weighting.models import WeightingOption, WeightingQuestion, WeightingSettings
from tests.conftest import ROLE_SETS, csrf_token, login
from tests.surveys.weighting.factories import answered_world, map_world, weighting_survey


@pytest.fixture
def world(app, make_user):
    return answered_world(
        app, make_user, {("Nord", "18–39 Jahre"): 4, ("Süd", "65+ Jahre"): 3, ("Ost", "40–64 Jahre"): 2}
    )


def page_url(world) -> str:
    return f"/umfragen/{world.survey_id}/gewichtung"


def valid_form(world, **changes) -> dict:
    data = {
        "question_district": str(world.district_q),
        "question_age_band": str(world.age_q),
        "enabled": "y",
        "threshold_pp": "4,5",
        "min_cases": "25",
        "trim_lower": "0,5",
        "trim_upper": "2",
        f"option_{world.o['district:Nord']}": "Nord",
        f"option_{world.o['district:Süd']}": "Süd",
        f"option_{world.o['district:Ost']}": "Ost",
        f"option_{world.o['district:Sonstiges']}": "",
        f"option_{world.o['age:18–39 Jahre']}": "18-39",
        f"option_{world.o['age:40–64 Jahre']}": "40-64",
        f"option_{world.o['age:65+ Jahre']}": "65+",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def stored(app, survey_id: int) -> tuple:
    with app.app_context():
        questions = db.session.scalar(
            select(func.count())
            .select_from(WeightingQuestion)
            .where(WeightingQuestion.survey_id == survey_id)
        )
        options = db.session.scalar(select(func.count()).select_from(WeightingOption))
        settings = db.session.get(WeightingSettings, survey_id)
        return questions, options, settings and (settings.enabled, float(settings.threshold_pp))


@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    [
        (None, 302, 302),
        ("citizen", 403, 403),
        ("moderator", 403, 403),
        ("other_planner", 403, 403),
        ("planner", 200, 302),
        ("admin", 200, 302),
    ],
)
def test_role_matrix(app, client, make_user, world, role, get_status, post_status):
    if role == "planner":
        login(client, world.planner)
    elif role == "other_planner":
        login(client, make_user(ROLE_SETS["planner"]))
    elif role is not None:
        login(client, make_user(ROLE_SETS[role]))
    response = client.get(page_url(world))
    assert response.status_code == get_status
    if role is None:
        assert "/konto/anmelden" in response.headers["Location"]
    token = csrf_token(client)
    saved = client.post(page_url(world), data={"csrf_token": token, **valid_form(world)})
    assert saved.status_code == post_status
    switched = client.post(f"{page_url(world)}/schalter", data={"csrf_token": token, "enabled": "0"})
    assert switched.status_code == post_status
    assert (stored(app, world.survey_id)[0] == 2) is (post_status == 302 and role is not None)


def test_unknown_survey_is_404_and_post_needs_csrf(client, world):
    login(client, world.planner)
    assert client.get("/umfragen/999999/gewichtung").status_code == 404
    assert client.post(f"{page_url(world)}/schalter", data={"enabled": "1"}).status_code == 400
    assert client.post(page_url(world), data=valid_form(world)).status_code == 400


def test_first_visit_suggests_questions_and_groups_from_the_labels(client, world):
    login(client, world.planner)
    html = client.get(page_url(world)).get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{world.district_q}"|<option value="{world.district_q}" selected', html
    )
    age_field = re.search(rf'<select[^>]*name="option_{world.o["age:18–39 Jahre"]}".*?</select>', html, re.S)
    assert age_field and re.search(
        r'<option selected value="18-39"|value="18-39" selected', age_field.group(0)
    )
    other = re.search(rf'<select[^>]*name="option_{world.o["district:Sonstiges"]}".*?</select>', html, re.S)
    assert other and re.search(r'<option selected value=""|value="" selected', other.group(0))


def test_saving_stores_mapping_and_settings_after_responses_exist(app, client, world):
    login(client, world.planner)
    response = client.post(page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world)})
    assert response.status_code == 302
    assert stored(app, world.survey_id) == (2, 6, (True, 4.5))
    with app.app_context():
        settings = db.session.get(WeightingSettings, world.survey_id)
        assert (settings.min_cases, float(settings.trim_lower), float(settings.trim_upper)) == (25, 0.5, 2.0)
    page = client.get(page_url(world)).get_data(as_text=True)
    assert "Die Gewichtung ist gespeichert." in page and "Repräsentativität und Gewichtung" in page
    assert 'value="0,5"' in page and 'value="4,5"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"threshold_pp": "viel"}, "threshold_pp", "Bitte geben Sie eine Zahl an"),
        ({"threshold_pp": "80"}, "threshold_pp", "zwischen 0,1 und 50"),
        ({"min_cases": "0"}, "min_cases", "zwischen 1 und 10.000"),
        ({"trim_lower": "1,5"}, "trim_lower", "zwischen 0,01 und 1"),
        ({"trim_upper": "0,4", "trim_lower": "0,5"}, "trim_upper", "zwischen 1 und 20"),
        ({"trim_upper": "1", "trim_lower": "1"}, "trim_upper", "größer sein als das kleinste"),
        ({"question_age_band": "{district}"}, "question_age_band", "schon dem Merkmal „Bezirk“"),
        ({"question_district": "999999"}, "question_district", "Einfachauswahl-Frage aus der Liste"),
        ({"option_{nord}": "Atlantis"}, "option_{nord}", "Gruppe aus der Liste"),
        (
            {"question_district": "", "question_age_band": "", "enabled": "y"},
            "enabled",
            "Ordnen Sie zuerst mindestens eine Frage",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(app, client, world, changes, field, message):
    login(client, world.planner)
    ids = {"district": world.district_q, "nord": world.o["district:Nord"]}
    changes = {k.format(**ids): v.format(**ids) for k, v in changes.items()}
    field = field.format(**ids)
    response = client.post(
        page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world, **changes)}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1), html[:3000]
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html)
    assert stored(app, world.survey_id) == (0, 0, None)


def test_a_failing_second_save_keeps_the_first_whole(app, client, world):
    login(client, world.planner)
    client.post(page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world)})
    bad = valid_form(world, question_district="", trim_upper="x")
    assert client.post(page_url(world), data={"csrf_token": csrf_token(client), **bad}).status_code == 400
    assert stored(app, world.survey_id) == (2, 6, (True, 4.5))


def test_moving_a_question_suggests_its_groups_and_says_so(app, client, world):
    login(client, world.planner)
    client.post(
        page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world, question_age_band="")}
    )
    assert stored(app, world.survey_id)[:2] == (1, 3)
    # Now the age question is chosen: the form showed no options for it, so the labels decide.
    response = client.post(
        page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world)}, follow_redirects=True
    )
    assert "welcher Gruppe jede Antwort zugeordnet ist" in response.get_data(as_text=True)
    assert stored(app, world.survey_id)[:2] == (2, 6)


def test_switch_from_the_panel(app, client, world):
    login(client, world.planner)
    token = csrf_token(client)
    refused = client.post(f"{page_url(world)}/schalter", data={"csrf_token": token, "enabled": "1"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith(page_url(world))
    assert stored(app, world.survey_id) == (0, 0, None)
    map_world(app, world, world.planner.id, enabled=False)
    on = client.post(f"{page_url(world)}/schalter", data={"csrf_token": token, "enabled": "1"})
    # To the page's top, where the confirmation is shown (a fragment would scroll it out of sight).
    assert on.headers["Location"].endswith(f"/umfragen/{world.survey_id}/ergebnisse")
    assert stored(app, world.survey_id)[2] == (True, 5.0)
    client.post(f"{page_url(world)}/schalter", data={"csrf_token": token, "enabled": "0"})
    assert stored(app, world.survey_id)[2] == (False, 5.0)


def test_without_population_figures_the_page_says_so(app, client, make_user):
    planner = make_user(ROLE_SETS["planner"])
    built = weighting_survey(app, planner.id)
    login(client, planner)
    html = client.get(f"/umfragen/{built.survey_id}/gewichtung").get_data(as_text=True)
    assert "noch keine amtlichen Bevölkerungszahlen" in html


@pytest.mark.parametrize(("language", "shown"), [("de", 'value="0,5"'), ("en", 'value="0.5"')])
def test_bounds_are_shown_with_the_page_languages_decimal_separator(app, client, world, language, shown):
    map_world(app, world, world.planner.id, enabled=True)
    login(client, world.planner)
    with client.session_transaction() as session:
        session["language"] = language
    client.post(page_url(world), data={"csrf_token": csrf_token(client), **valid_form(world)})
    html = client.get(page_url(world)).get_data(as_text=True)
    field = re.search(r'<input[^>]*id="trim_lower"[^>]*>', html)
    assert field is not None and shown in field.group(0), field


def test_the_weighting_tab_is_current_and_the_page_does_not_link_to_itself(app, client, world):
    map_world(app, world, world.planner.id, enabled=True)
    login(client, world.planner)
    page = client.get(page_url(world)).get_data(as_text=True)
    assert re.search(rf'href="{page_url(world)}" aria-current="page">Gewichtung<', page)
    assert "Zuordnung und Grenzen ändern" not in page and 'class="weighting-actions"' not in page
    results = client.get(f"/umfragen/{world.survey_id}/ergebnisse").get_data(as_text=True)
    assert "Zuordnung und Grenzen ändern" in results and f'href="{page_url(world)}">Gewichtung<' in results
