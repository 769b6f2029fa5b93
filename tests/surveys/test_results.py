"""Survey results: hand-computed statistics, bases, filter, cross-table, visibility, suppression, queries."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest

from participation.extensions import db
from participation.surveys import services
from participation.surveys.answering.codes import consume_code, generate_codes
from participation.surveys.answering.services import submit_response
from participation.surveys.models import Survey
from participation.surveys.results.services import compute
from participation.surveys.results.sql import ResultFilter
from tests.conftest import ROLE_SETS, count_queries, get_user, login, post
from tests.surveys.results_factories import answer, close_and_publish, raw, results_survey


def _text(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _section(html: str, code: str) -> str:
    """The text of one question's result section, by its code (staff) or its number ("3.")."""
    for part in html.split("<section")[1:]:
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", part, flags=re.S)
        if heading and (
            f'<span class="result-code">{code}</span>' in heading.group(1)
            or heading.group(1).startswith(f"{code} ")
        ):
            return _text("<section" + part.split("</section>")[0])
    raise AssertionError(f"no section {code}")


def _results(app, built, **kwargs):
    with app.app_context():
        return compute(db.session.get(Survey, built.id), **kwargs)


def test_scale_statistics_match_hand_computation(app, client, planner, survey):
    """1, 2, 2, 5 → n 4, mean 2,5, median 2, quartiles 1,75/2,75 (inclusive), sd √3, min 1, max 5."""
    for point in (1, 2, 2, 5):
        answer(app, survey, scale=point)
    answer(app, survey, scale="dk")
    answer(app, survey, mode="Bus")  # scale not answered
    results = _results(app, survey)
    scale = next(r for r in results.questions if r.question.id == survey.q["scale"])
    stats = scale.stats
    assert (stats.n, stats.mean, stats.median, stats.minimum, stats.maximum) == (4, 2.5, 2, 1, 5)
    assert (stats.q1, stats.q3) == (1.75, 2.75)
    assert stats.sd == pytest.approx(3**0.5)
    assert (scale.base, scale.answered, scale.dont_know, scale.no_answer) == (6, 5, 1, 1)
    assert [c.count for c in scale.cells] == [1, 2, 0, 0, 1]
    login(client, planner)
    section = _section(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True), "Q03")
    # each key figure under its name (a reflowing list, see _results_stats.html)
    assert "n 4 Mittelwert 2,5 Median 2 1. Quartil 1,75 3. Quartil 2,75 Minimum 1 Maximum 5" in section
    assert "Standardabweichung 1,73" in section
    assert "weiß nicht: 1" in section


def test_number_decimal_comma_and_odd_median(app, client, planner, survey):
    """Decimal numbers: median of 1,5 / -2 / 10 is 1,5; mean 3,17 (German decimal comma)."""
    for value in ("1,5", "-2", "10"):
        answer(app, survey, temp=value)
    login(client, planner)
    section = _section(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True), "Q04")
    assert "n 3 Mittelwert 3,17 Median 1,5 1. Quartil -0,25 3. Quartil 5,75 Minimum -2 Maximum 10" in section


def test_choice_counts_bases_no_answer_and_not_shown(app, client, planner, survey):
    """Shares use the shown base; multiple choice counts options per respondent; hidden ≠ unanswered."""
    answer(app, survey, mode="Rad", wish=["Bäume", "Licht"], km=10)
    answer(app, survey, mode="Rad", wish=["Bäume"])  # km shown, not answered
    answer(app, survey, mode="Auto", wish=["Licht", "Bänke", "Bäume"])  # km not shown
    answer(app, survey, mode="Bus")
    results = _results(app, survey)
    by_id = {r.question.id: r for r in results.questions}
    mode, wish, km = by_id[survey.q["mode"]], by_id[survey.q["wish"]], by_id[survey.q["km"]]
    assert [(c.label, c.count, c.pct) for c in mode.cells] == [
        ("Rad", 2, 50.0),
        ("Auto", 1, 25.0),
        ("Bus", 1, 25.0),
    ]
    assert [(c.label, c.count, c.pct) for c in wish.cells] == [
        ("Bäume", 3, 75.0),
        ("Bänke", 1, 25.0),
        ("Licht", 2, 50.0),
    ]
    assert (wish.answered, wish.no_answer) == (3, 1)
    assert (km.base, km.answered, km.no_answer, km.not_shown) == (2, 1, 1, 2)
    login(client, planner)
    html = client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True)
    wish_text = _section(html, "Q02")
    assert "Mehrfachnennungen" in wish_text and "Bäume 3 75,0 %" in wish_text
    km_text = _section(html, "Q11")
    assert "Basis: 2 Befragte" in km_text and "keine Antwort: 1" in km_text and "nicht gezeigt: 2" in km_text


def test_matrix_ranking_yesno_date(app, survey):
    """Matrix per row, ranking mean rank and first places, yes/no counts, date range."""
    answer(
        app,
        survey,
        matrix={"Licht": 1, "Lärm": 3},
        rank={"Grün": 1, "Parken": 2},
        yesno="ja",
        since="2020-05-01",
    )
    answer(
        app,
        survey,
        matrix={"Licht": 3, "Lärm": 3},
        rank={"Grün": 2, "Parken": 1},
        yesno="nein",
        since="2021-01-31",
    )
    answer(app, survey, matrix={"Licht": 2}, rank={"Grün": 1, "Parken": 2}, yesno="ja")
    by_id = {r.question.id: r for r in _results(app, survey).questions}
    light, noise = by_id[survey.q["matrix"]].rows
    assert [c.count for c in light.cells] == [1, 1, 1] and light.stats.mean == 2 and light.stats.median == 2
    assert [c.count for c in noise.cells] == [0, 0, 2] and noise.stats.n == 2
    ranks = {r.label: (r.mean_rank, r.first) for r in by_id[survey.q["rank"]].ranks}
    assert ranks == {"Grün": (pytest.approx(4 / 3), 2), "Parken": (pytest.approx(5 / 3), 1)}
    assert [c.count for c in by_id[survey.q["yesno"]].cells] == [2, 1]
    since = by_id[survey.q["since"]]
    assert (since.first_date, since.last_date) == (date(2020, 5, 1), date(2021, 1, 31))


def test_per_day_with_zero_days_channels_and_response_rate(app, client, planner, survey):
    """Days without responses appear as 0; channels broken down; code response rate = used ÷ issued."""
    answer(app, survey, mode="Rad", day=date(2026, 11, 25))
    answer(app, survey, mode="Rad", day=date(2026, 11, 27), channel="telefon")
    answer(app, survey, mode="Auto", day=date(2026, 11, 27), channel="papier")
    results = _results(app, survey)
    assert results.per_day == [(date(2026, 11, 25), 1), (date(2026, 11, 26), 0), (date(2026, 11, 27), 2)]
    assert {c.code: c.count for c in results.channels} == {
        "online": 1,
        "telefon": 1,
        "buergerbuero": 0,
        "papier": 1,
    }
    with app.app_context():
        s = db.session.get(Survey, survey.id)
        codes = generate_codes(get_user(app, planner.id), s, 4)
        assert consume_code(s, codes[0])
        db.session.commit()
    login(client, planner)
    text = _text(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True))
    assert "26.11.2026 0" in text and "27.11.2026 2" in text
    assert "25,0 % (1 / 4)" in text


def test_filter_by_answer_and_cross_table(app, client, planner, survey):
    """ "Only respondents who answered Rad" narrows every figure; the cross-table counts combinations."""
    answer(app, survey, mode="Rad", wish=["Bäume", "Licht"], scale=5)
    answer(app, survey, mode="Rad", wish=["Bäume"], scale=3)
    answer(app, survey, mode="Auto", wish=["Licht"], scale=1)
    rad = survey.o["mode:Rad"]
    filtered = _results(app, survey, flt=ResultFilter(question_id=survey.q["mode"], option_id=rad))
    assert filtered.total == 2
    scale = next(r for r in filtered.questions if r.question.id == survey.q["scale"])
    assert scale.stats.mean == 4
    login(client, planner)
    url = (
        f"/umfragen/{survey.id}/ergebnisse?antwort={rad}&zeilen={survey.q['mode']}&spalten={survey.q['wish']}"
    )
    text = _text(client.get(url).get_data(as_text=True))
    assert "Antworten 2 " in text
    crossed = _results(app, survey, cross=(survey.q["mode"], survey.q["wish"])).cross
    assert crossed.row_labels == ["Rad", "Auto", "Bus"] and crossed.col_labels == ["Bäume", "Bänke", "Licht"]
    assert crossed.counts == [[2, 0, 1], [0, 0, 1], [0, 0, 0]]
    assert "Kreuztabelle" in text


def test_free_text_list_is_paginated_and_searchable(app, client, planner, survey):
    """All texts on their own page, 25 per page, with a search."""
    for number in range(30):
        answer(app, survey, note=f"Hinweis Nummer {number}" + (" Ampel" if number % 10 == 0 else ""))
    login(client, planner)
    url = f"/umfragen/{survey.id}/ergebnisse/texte/{survey.q['note']}"
    first = _text(client.get(url).get_data(as_text=True))
    assert "30 Antworten" in first and "Seite 1 von 2" in first
    second = _text(client.get(url + "?seite=2").get_data(as_text=True))
    assert second.count("Hinweis Nummer") == 5
    found = _text(client.get(url + "?q=ampel").get_data(as_text=True))
    assert "3 Antworten" in found and "Hinweis Nummer 10 Ampel" in found
    assert client.get(f"/umfragen/{survey.id}/ergebnisse/texte/{survey.q['mode']}").status_code == 404


@pytest.mark.parametrize(
    ("state", "published", "role", "expected"),
    [
        ("open", False, "anonymous", 403),  # a page saying so, not the login form
        ("open", False, "citizen", 403),
        ("open", True, "citizen", 403),
        ("closed", False, "citizen", 403),
        ("closed", False, "moderator", 403),
        ("closed", False, "other_planner", 403),
        ("closed", True, "anonymous", 200),
        ("closed", True, "citizen", 200),
        ("closed", True, "unverified", 200),
        ("open", False, "owner", 200),
        ("open", False, "admin", 200),
        ("draft", False, "citizen", 404),
    ],
)
def test_results_visibility(app, client, make_user, planner, state, published, role, expected):
    """Staff always; the public only once closed and published; drafts stay hidden."""
    if state == "draft":
        with app.app_context():
            draft = services.create_survey(get_user(app, planner.id), title="Entwurf")
            db.session.commit()
            survey_id = draft.id
    else:
        built = results_survey(app, planner.id)
        survey_id = built.id
        if state == "closed":
            close_and_publish(app, built, published=published)
        elif published:
            with app.app_context():
                db.session.get(Survey, survey_id).results_published = True
                db.session.commit()
    users = {
        "citizen": lambda: make_user(),
        "unverified": lambda: make_user(verified=False),
        "moderator": lambda: make_user(ROLE_SETS["moderator"]),
        "other_planner": lambda: make_user(ROLE_SETS["planner"]),
        "admin": lambda: make_user(ROLE_SETS["admin"]),
        "owner": lambda: planner,
    }
    if role in users:
        login(client, users[role]())
    assert client.get(f"/umfragen/{survey_id}/ergebnisse").status_code == expected


def test_public_results_suppress_small_cells(app, client, planner, survey):
    """Public: 1–4 respondents are "geschützt", and so is a cell that would give them away by subtraction;
    the public has no filter (a crafted ?antwort= is ignored); filtered subsets under 5 show staff nothing
    in public mode; staff see exact counts."""
    for _ in range(5):
        answer(app, survey, mode="Rad", scale=4)
    answer(app, survey, mode="Auto", scale=1)
    close_and_publish(app, survey)
    public = _text(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True))
    mode = _section(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True), "1.")
    # Base 6, Bus 0, no answer 0: showing Rad 5 would reveal Auto = 1.
    assert "Rad geschützt –" in mode and "Auto geschützt –" in mode and "Bus 0 0,0 %" in mode
    assert "1. Quartil" in public  # n = 6 ≥ 5: statistics shown
    auto = _text(
        client.get(f"/umfragen/{survey.id}/ergebnisse?antwort={survey.o['mode:Auto']}").get_data(as_text=True)
    )
    assert auto == public and "Basis: 6" in auto and "werden keine Ergebnisse gezeigt" not in auto
    hidden = _results(
        app,
        survey,
        public=True,
        flt=ResultFilter(question_id=survey.q["mode"], option_id=survey.o["mode:Auto"]),
    )
    assert hidden.hidden_too_few and hidden.questions == []
    # No filter form for the public.
    assert "alle Kanäle" not in public and "Nur Befragte, die so geantwortet haben" not in public
    login(client, planner)
    staff = _text(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True))
    assert "Auto 1 16,7 %" in staff


def test_threshold_is_configurable(app, survey):
    """SURVEY_RESULTS_MIN_CELL changes the public threshold."""
    for _ in range(3):
        answer(app, survey, mode="Rad")
    assert _results(app, survey, public=True, threshold=5).hidden_too_few
    visible = _results(app, survey, public=True, threshold=2)
    assert visible.questions[0].cells[0].count == 3


def test_results_page_query_count_does_not_grow_with_responses(app, client, planner, survey):
    """The same number of SQL statements for 2 and for 40 responses."""
    login(client, planner)

    def measure() -> int:
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            assert (
                client.get(
                    f"/umfragen/{survey.id}/ergebnisse?zeilen={survey.q['mode']}&spalten={survey.q['wish']}"
                ).status_code
                == 200
            )
        return len(statements)

    for _ in range(2):
        answer(
            app,
            survey,
            mode="Rad",
            wish=["Bäume"],
            scale=3,
            note="x",
            km=1,
            matrix={"Licht": 1},
            rank={"Grün": 1, "Parken": 2},
        )
    small = measure()
    for index in range(38):
        answer(
            app,
            survey,
            mode=["Rad", "Auto"][index % 2],
            wish=["Licht"],
            scale=index % 5 + 1,
            note=f"t{index}",
            temp=str(index),
        )
    assert measure() == small


@pytest.mark.parametrize(
    ("texts_published", "role", "expected"),
    [
        (False, "anonymous", 302),
        (False, "citizen", 403),
        (True, "anonymous", 200),
        (True, "citizen", 200),
        (False, "owner", 200),
        (False, "other_planner", 403),
    ],
)
def test_free_texts_are_public_only_when_the_planner_publishes_them(
    app, client, make_user, planner, survey, texts_published, role, expected
):
    """Published results keep free texts hidden until the planner publishes them as well."""
    for number in range(6):
        answer(app, survey, note=f"Öffentlicher Hinweis {number}")
    close_and_publish(app, survey)
    if texts_published:
        with app.test_client() as owner_client:
            login(owner_client, planner)
            response = post(
                owner_client, f"/umfragen/verwaltung/{survey.id}/ergebnisse", {"texts": "1", "confirmed": "1"}
            )
            assert response.status_code == 302
    users = {
        "citizen": lambda: make_user(ROLE_SETS["citizen"]),
        "other_planner": lambda: make_user(ROLE_SETS["planner"]),
        "owner": lambda: planner,
    }
    if role in users:
        login(client, users[role]())
    url = f"/umfragen/{survey.id}/ergebnisse/texte/{survey.q['note']}"
    response = client.get(url)
    assert response.status_code == expected
    page = _text(client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True))
    if expected == 200:
        assert "Öffentlicher Hinweis" in _text(response.get_data(as_text=True))
    if role in ("anonymous", "citizen"):
        assert ("Öffentlicher Hinweis" in page) is texts_published


def test_public_free_texts_need_enough_answers(app, client, planner, survey):
    """Fewer answers than the threshold: the public sees a notice, no text."""
    for number in range(3):
        answer(app, survey, note=f"Seltener Hinweis {number}", mode="Rad")
    for _ in range(3):
        answer(app, survey, mode="Auto")
    close_and_publish(app, survey)
    with app.app_context():
        db.session.get(Survey, survey.id).texts_published = True
        db.session.commit()
    texts = _text(
        client.get(f"/umfragen/{survey.id}/ergebnisse/texte/{survey.q['note']}").get_data(as_text=True)
    )
    assert "Zu wenige Antworten" in texts and "Seltener Hinweis" not in texts
    assert "Seltener Hinweis" not in _text(
        client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True)
    )


# --- responses nobody deduplicated (open mode, assisted entries without a code) ---------------------


def _open_response(app, built, **answers) -> None:
    """A citizen's response in open mode (no login, no code)."""
    with app.app_context():
        submit_response(db.session.get(Survey, built.id), raw(built, **answers))
        db.session.commit()


def _overview(html: str) -> str:
    return _text(html.split('id="overview-heading"')[1].split("</section>")[0])


NOT_DEDUPLICATED = (
    "Offene Teilnahme: Antworten sind nicht dedupliziert (eine Person kann mehrfach teilnehmen)."
)


def test_open_mode_results_say_responses_are_not_deduplicated(app, client, planner):
    built = results_survey(app, planner.id, access="open")
    for mode in ("Rad", "Auto", "Bus", "Rad"):
        _open_response(app, built, mode=mode)
    answer(app, built, mode="Auto", channel="telefon")  # assisted entry without a code
    staff = client
    login(staff, planner)
    staff_view = _overview(staff.get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True))
    assert NOT_DEDUPLICATED in staff_view
    assert "Davon ohne Deduplizierung eingegangen 5 (offene Teilnahme" in staff_view
    report = _overview(staff.get(f"/umfragen/verwaltung/{built.id}/bericht").get_data(as_text=True))
    assert NOT_DEDUPLICATED in report and "Davon ohne Deduplizierung eingegangen 5" in report
    close_and_publish(app, built)
    public = _overview(app.test_client().get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True))
    assert NOT_DEDUPLICATED in public
    assert "Davon ohne Deduplizierung" not in public  # the count is for staff


def test_account_mode_results_count_assisted_entries_without_code(app, client, planner, make_user):
    built = results_survey(app, planner.id)
    for mode in ("Rad", "Auto", "Bus", "Rad", "Auto"):
        answer(app, built, mode=mode, user_id=make_user().id)
    login(client, planner)
    url = f"/umfragen/{built.id}/ergebnisse"
    clean = _overview(client.get(url).get_data(as_text=True))
    assert "Davon ohne Deduplizierung eingegangen 0" in clean
    assert "nicht dedupliziert" not in clean
    for channel in ("telefon", "papier"):
        answer(app, built, mode="Bus", channel=channel)
    mixed = _overview(client.get(url).get_data(as_text=True))
    assert "Davon ohne Deduplizierung eingegangen 2" in mixed
    assert "ohne Teilnahmecode telefonisch, im Bürgerbüro oder auf Papier erfasst" in mixed
    assert NOT_DEDUPLICATED not in mixed
    close_and_publish(app, built)
    public = _overview(app.test_client().get(url).get_data(as_text=True))
    assert "ohne Teilnahmecode telefonisch, im Bürgerbüro oder auf Papier erfasst" in public
    assert "Davon ohne Deduplizierung" not in public
