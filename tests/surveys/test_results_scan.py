"""The single grouped scan behind the results, and the batched reading behind the exports.

Statistics are checked against Python's statistics module on data with ties and many distinct values
(the quartiles come from the histogram's running counts, only the neighbouring rows are fetched), and
an export read in tiny batches must equal the same export read in one batch.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
from decimal import Decimal

import pytest

from participation.extensions import db
from participation.surveys.exports import reading
from participation.surveys.models import Survey
from participation.surveys.results.services import compute
from participation.surveys.results.sql import ResultFilter
from tests.conftest import count_queries, login, post
from tests.surveys.results_factories import answer


def _question(results, built, key):
    return next(r for r in results.questions if r.question.id == built.q[key])


def test_number_statistics_equal_pythons_on_ties_and_many_values(app, survey):
    """n, mean, median, quartiles (inclusive), sd, min and max equal the statistics module's figures."""
    rng = random.Random(20261127)
    values = [Decimal(rng.randint(-300, 300)) / 4 for _ in range(37)] + [Decimal("2.5")] * 6
    for value in values:
        answer(app, survey, temp=str(value).replace(".", ","))
    with app.app_context():
        stats = _question(compute(db.session.get(Survey, survey.id)), survey, "temp").stats
    floats = [float(v) for v in values]
    q1, median, q3 = statistics.quantiles(floats, n=4, method="inclusive")
    assert stats.n == len(values)
    assert stats.median == pytest.approx(median)
    assert (stats.q1, stats.q3) == (pytest.approx(q1), pytest.approx(q3))
    assert stats.mean == pytest.approx(statistics.fmean(floats))
    assert stats.sd == pytest.approx(statistics.stdev(floats))
    assert (stats.minimum, stats.maximum) == (min(floats), max(floats))


def test_statistics_follow_the_filter(app, survey):
    """With a narrowing filter the scan joins the responses: only matching respondents count."""
    for value, mode in (("1", "Rad"), ("2", "Rad"), ("9", "Auto"), ("10", "Auto"), ("11", "Auto")):
        answer(app, survey, temp=value, mode=mode)
    with app.app_context():
        rad = survey.o["mode:Rad"]
        flt = ResultFilter(question_id=survey.q["mode"], option_id=rad)
        results = compute(db.session.get(Survey, survey.id), flt)
    temp = _question(results, survey, "temp")
    assert results.total == 2
    assert (temp.stats.n, temp.stats.median, temp.stats.minimum, temp.stats.maximum) == (2, 1.5, 1, 2)


def test_multi_row_questions_count_respondents_not_rows(app, survey):
    """Two options chosen by one person, one by another, none by a third: answered 2, no answer 1."""
    answer(
        app, survey, wish=["Bäume", "Bänke"], matrix={"Licht": 1, "Lärm": 3}, rank={"Grün": 1, "Parken": 2}
    )
    answer(app, survey, wish=["Licht"], matrix={"Licht": 2})
    answer(app, survey, mode="Bus")
    with app.app_context():
        results = compute(db.session.get(Survey, survey.id))
    for key, answered in (("wish", 2), ("matrix", 2), ("rank", 1)):
        result = _question(results, survey, key)
        assert (result.answered, result.no_answer) == (answered, 3 - answered), key
    rank = _question(results, survey, "rank")
    assert [(r.mean_rank, r.first) for r in rank.ranks] == [(1.0, 1), (2.0, 0)]


def test_results_queries_do_not_grow_with_responses_or_filters(app, survey):
    """The computation is a fixed handful of statements, with and without a filter."""
    answer(app, survey, temp="1", mode="Rad", note="eins")
    with app.app_context():
        loaded = db.session.get(Survey, survey.id)
        compute(loaded)  # loads the questionnaire (conditions, options) once
        with count_queries(db.engine) as few:
            compute(loaded)
    for index in range(12):
        answer(app, survey, temp=str(index), mode="Auto", note=f"Text {index}")
    with app.app_context():
        loaded = db.session.get(Survey, survey.id)
        compute(loaded)  # loads the questionnaire (conditions, options) once
        with count_queries(db.engine) as many:
            compute(loaded)
        with count_queries(db.engine) as filtered:
            compute(loaded, ResultFilter(channel="telefon"))
    assert len(few) == len(many) == len(filtered)


def _csv(client, built) -> list[list[str]]:
    response = post(client, f"/umfragen/verwaltung/{built.id}/export/datei?format=csv-technisch")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_export_in_tiny_batches_equals_one_batch(app, client, planner, survey, monkeypatch):
    """Keyset batches of two responses: every response exactly once, in id order, cells unchanged."""
    for index in range(7):
        answer(app, survey, temp=f"{index},5", mode=("Rad", "Auto", "Bus")[index % 3], wish=["Licht"])
    login(client, planner)
    whole = _csv(client, survey)
    monkeypatch.setattr(reading, "BATCH", 2)
    batched = _csv(client, survey)
    assert batched == whole
    ids = [row[0] for row in whole[1:]]
    assert len(ids) == len(set(ids)) == 7 and ids == sorted(ids)


def test_filter_and_cross_table_work_with_yes_no_and_scale(app, client, planner, survey):
    """?antwort=q<id>v<value> filters by a yes/no or scale answer; a cross-table of yes/no × scale."""
    for yes, point in ((1, 4), (1, 4), (1, 5), (0, 1), (0, 4)):
        answer(app, survey, yesno="ja" if yes else "nein", scale=point, mode="Rad")
    login(client, planner)
    yes_key = f"q{survey.q['yesno']}v1"
    page = client.get(f"/umfragen/{survey.id}/ergebnisse?antwort={yes_key}").get_data(as_text=True)
    assert f'<option value="{yes_key}" selected>' in page
    with app.app_context():
        loaded = db.session.get(Survey, survey.id)
        only_yes = compute(loaded, ResultFilter(question_id=survey.q["yesno"], value=1))
        four = compute(loaded, ResultFilter(question_id=survey.q["scale"], value=4))
        table = compute(loaded, cross=(survey.q["yesno"], survey.q["scale"])).cross
    assert only_yes.total == 3 and four.total == 3
    assert [c.count for c in _question(four, survey, "yesno").cells] == [2, 1]
    assert table.row_labels == ["Ja", "Nein"] and table.col_labels == ["1", "2", "3", "4", "5"]
    assert table.counts == [[0, 0, 0, 2, 1], [1, 0, 0, 1, 0]]
    html = client.get(
        f"/umfragen/{survey.id}/ergebnisse?zeilen={survey.q['yesno']}&spalten={survey.q['scale']}"
    ).get_data(as_text=True)
    assert "Kreuztabelle" in html


@pytest.mark.parametrize("key", ["q999v1", "qXv1", "12345678", "q{yesno}v7", "q{mode}v1", "<script>"])
def test_unknown_or_tampered_filter_keys_filter_nothing(app, client, planner, survey, key):
    """A key naming no category of this survey (or a value off the scale) shows everyone, never a 500."""
    answer(app, survey, yesno="ja", scale=4)
    answer(app, survey, yesno="nein", scale=2)
    login(client, planner)
    response = client.get(
        f"/umfragen/{survey.id}/ergebnisse", query_string={"antwort": key.format(**survey.q)}
    )
    assert response.status_code == 200
    assert "Beantwortet: 2" in response.get_data(as_text=True)
