"""Weighted results (#17 item 3): every weighted figure equals an independent computation in Python over
the stored answers; weighting off changes nothing; the query count stays fixed; the cross-table is
weighted and its test Rao-Scott corrected."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.results.crosstab import chi_square
from participation.surveys.results.services import compute
from participation.surveys.results.sql import ResultFilter
from participation.surveys.results.weighted import weighted_quantile
from participation.surveys.weighting.contract import SurveyWeights
from tests.conftest import count_queries
from tests.surveys.results_factories import answer

ANSWERS = [
    dict(mode="Rad", wish=["Bäume"], scale=5, temp="21,5", yesno="ja", matrix={"Licht": 1}, km=10),
    dict(
        mode="Rad",
        wish=["Bäume", "Licht"],
        scale=4,
        temp="19",
        yesno="nein",
        km=25,
        rank={"Grün": 1, "Parken": 2},
    ),
    dict(mode="Rad", scale=2, temp="18", yesno="ja", matrix={"Licht": 3, "Lärm": 2}, km=3),
    dict(
        mode="Auto",
        wish=["Bänke"],
        scale=1,
        temp="25",
        yesno="nein",
        matrix={"Licht": 2},
        rank={"Parken": 1, "Grün": 2},
    ),
    dict(mode="Auto", scale=3, temp="30", yesno="nein", matrix={"Lärm": 1}),
    dict(mode="Bus", wish=["Licht"], scale=3, temp="12", yesno="ja", rank={"Grün": 1, "Parken": 2}),
    dict(wish=["Bänke"], scale=5, temp="22", yesno="ja", matrix={"Licht": 1, "Lärm": 3}),
    dict(mode="Auto", scale=4, yesno="ja"),
]


def _weights(survey) -> SurveyWeights:
    """Cyclists weigh 2.5, drivers 0.4; Bus (no cell) and the one without a mode weigh 1.0."""
    rad, auto = survey.o["mode:Rad"], survey.o["mode:Auto"]
    return SurveyWeights(
        question_ids=(survey.q["mode"],),
        cell_weights={(rad,): 2.5, (auto,): 0.4},
        unweighted_n=8,
        effective_n=6.0,
        design_effect=1.6,
        converged=True,
        iterations=3,
    )


def _answered(app, survey, channel: str = "online") -> None:
    for index, given in enumerate(ANSWERS):
        answer(app, survey, channel="telefon" if index == 3 else channel, **given)


def _by_hand(survey, weights: SurveyWeights) -> dict:
    """Each response's weight and answers, read row by row: the independent computation's input."""
    rows = db.session.execute(select(Answer).join(Response).where(Response.survey_id == survey.id)).scalars()
    answers: dict[str, list[Answer]] = {}
    for row in rows:
        answers.setdefault(row.response_id, []).append(row)
    for response_id in db.session.scalars(select(Response.id).where(Response.survey_id == survey.id)):
        answers.setdefault(response_id, [])
    weight = {}
    for response_id, mine in answers.items():
        chosen = {a.question_id: a.option_id for a in mine}
        weight[response_id] = weights.weight(tuple(chosen.get(q) for q in weights.question_ids))
    return {"answers": answers, "weight": weight}


def _share(data, question_id: int, test) -> float:
    """Weighted share of those (shown the question, here: everyone) whose answers pass `test`."""
    total = sum(data["weight"].values())
    chosen = sum(
        w
        for rid, w in data["weight"].items()
        if any(a.question_id == question_id and test(a) for a in data["answers"][rid])
    )
    return chosen / total * 100


def _values(data, question_id: int, row_id=None) -> list[tuple[float, float]]:
    return [
        (float(a.value_number), data["weight"][rid])
        for rid, mine in data["answers"].items()
        for a in mine
        if a.question_id == question_id and a.value_number is not None and a.row_id == row_id
    ]


def _mean_sd(pairs):
    n, total = len(pairs), sum(w for _v, w in pairs)
    mean = sum(v * w for v, w in pairs) / total
    variance = sum(w * (v - mean) ** 2 for v, w in pairs) / total * n / (n - 1)
    return mean, math.sqrt(variance)


def _quantile(pairs, p):
    """Brute force: expand the weights to 1000ths of a person and read the quantile off the sorted list."""
    expanded = sorted(v for v, w in pairs for _ in range(round(w * 1000)))
    position = p * len(expanded)
    if position == int(position) and 0 < position < len(expanded):
        return (expanded[int(position) - 1] + expanded[int(position)]) / 2
    return expanded[math.ceil(position) - 1]


def test_weighted_figures_equal_an_independent_computation(app, survey):
    """Shares, statistics, ranks, channels and the conditional question's base, recomputed in Python."""
    _answered(app, survey)
    with app.app_context():
        model = db.session.get(Survey, survey.id)
        weights = _weights(survey)
        results = compute(model, weights=weights)
        data = _by_hand(survey, weights)
    assert results.weights is weights
    total = sum(data["weight"].values())
    assert results.weighted_total == pytest.approx(total) == pytest.approx(3 * 2.5 + 3 * 0.4 + 2)
    by_code = {r.question.id: r for r in results.questions}
    mode = by_code[survey.q["mode"]]
    assert mode.weighted_base == pytest.approx(total)
    for cell, label in zip(mode.cells, ("Rad", "Auto", "Bus"), strict=True):
        expected = _share(data, survey.q["mode"], lambda a, o=survey.o[f"mode:{label}"]: a.option_id == o)
        assert cell.weighted_pct == pytest.approx(expected)
    assert [c.count for c in mode.cells] == [3, 3, 1]  # the unweighted counts stay beside them
    wish = by_code[survey.q["wish"]]
    for cell, label in zip(wish.cells, ("Bäume", "Bänke", "Licht"), strict=True):
        expected = _share(data, survey.q["wish"], lambda a, o=survey.o[f"wish:{label}"]: a.option_id == o)
        assert cell.weighted_pct == pytest.approx(expected)
    yes = by_code[survey.q["yesno"]].cells[0]
    assert yes.weighted_pct == pytest.approx(_share(data, survey.q["yesno"], lambda a: a.value_number == 1))
    for qkey, row in (("scale", None), ("temp", None)):
        pairs = _values(data, survey.q[qkey], row)
        stats = by_code[survey.q[qkey]].stats.weighted
        mean, sd = _mean_sd(pairs)
        assert (stats.mean, stats.sd) == (pytest.approx(mean), pytest.approx(sd))
        for p, got in ((0.25, stats.q1), (0.5, stats.median), (0.75, stats.q3)):
            assert got == pytest.approx(_quantile(pairs, p)), (qkey, p)
        assert stats.n == len(pairs)
    scale = by_code[survey.q["scale"]]
    assert scale.cells[4].weighted_pct == pytest.approx(
        _share(data, survey.q["scale"], lambda a: a.value_number == 5)
    )
    light = by_code[survey.q["matrix"]].rows[0]
    pairs = _values(data, survey.q["matrix"], survey.o["matrix:Licht"])
    assert light.stats.weighted.mean == pytest.approx(_mean_sd(pairs)[0])
    ones = sum(w for v, w in pairs if v == 1)
    assert light.cells[0].weighted_pct == pytest.approx(ones / total * 100)
    # Only cyclists are shown "km": its weighted base is the cyclists' weight.
    km = by_code[survey.q["km"]]
    assert km.weighted_base == pytest.approx(3 * 2.5)
    assert km.stats.weighted.mean == pytest.approx(_mean_sd(_values(data, survey.q["km"]))[0])
    ranks = by_code[survey.q["rank"]].ranks
    green = [
        (float(a.rank), data["weight"][rid])
        for rid, mine in data["answers"].items()
        for a in mine
        if a.option_id == survey.o["rank:Grün"] and a.rank
    ]
    assert ranks[0].weighted_mean_rank == pytest.approx(_mean_sd(green)[0])
    ranked = sum(
        data["weight"][rid]
        for rid, mine in data["answers"].items()
        if any(a.question_id == survey.q["rank"] for a in mine)
    )
    assert ranks[0].weighted_first_pct == pytest.approx(sum(w for v, w in green if v == 1) / ranked * 100)
    phone = next(c for c in results.channels if c.code == "telefon")
    assert phone.weighted_pct == pytest.approx(0.4 / total * 100)


def test_weighted_quantile_with_equal_weights_is_the_usual_median():
    assert weighted_quantile([(1, 1), (2, 1), (3, 1), (4, 1)], 0.5) == 2.5
    assert weighted_quantile([(1, 1), (2, 1), (3, 1)], 0.5) == 2
    assert weighted_quantile([(1, 3), (2, 1)], 0.5) == 1


def test_weighting_off_changes_nothing_and_public_results_stay_unweighted(app, survey):
    _answered(app, survey)
    with app.app_context():
        model = db.session.get(Survey, survey.id)
        plain = compute(model, cross=(survey.q["mode"], survey.q["yesno"]))
        again = compute(model, weights=None, cross=(survey.q["mode"], survey.q["yesno"]))
        public = compute(model, public=True, threshold=1, weights=_weights(survey))
    assert plain == again and plain.weights is None and plain.cross.weighted_grid is None
    assert all(c.weighted_pct is None for r in plain.questions for c in r.cells)
    assert public.weights is None and all(c.weighted_pct is None for r in public.questions for c in r.cells)


def test_query_count_is_constant_with_weighting_on(app, survey):
    _answered(app, survey)

    def measure() -> int:
        with app.app_context():
            model = db.session.get(Survey, survey.id)
            model.ordered_questions()
            with count_queries(db.engine) as statements:
                compute(model, weights=_weights(survey), cross=(survey.q["mode"], survey.q["yesno"]))
            return len(statements)

    small = measure()
    _answered(app, survey, channel="papier")
    assert measure() == small


def test_cross_table_is_weighted_and_its_test_rao_scott_corrected(app, survey):
    _answered(app, survey)
    with app.app_context():
        model = db.session.get(Survey, survey.id)
        weights = _weights(survey)
        table = compute(model, weights=weights, cross=(survey.q["mode"], survey.q["yesno"])).cross
        data = _by_hand(survey, weights)
    expected = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    for rid, mine in data["answers"].items():
        chosen = {a.question_id: a for a in mine}
        if survey.q["mode"] in chosen and survey.q["yesno"] in chosen:
            i = ["Rad", "Auto", "Bus"].index(
                next(k.split(":")[1] for k, v in survey.o.items() if v == chosen[survey.q["mode"]].option_id)
            )
            j = 0 if chosen[survey.q["yesno"]].value_number == 1 else 1
            expected[i][j] += data["weight"][rid]
    assert [line[:-1] for line in table.weighted_grid[:-1]] == [
        [pytest.approx(v) for v in row] for row in expected
    ]
    total = sum(map(sum, expected))
    assert table.weighted_grid[-1][-1] == pytest.approx(total)
    assert table.weighted_row_pct[0][0] == pytest.approx(expected[0][0] / sum(expected[0]) * 100)
    assert table.grid[-1][-1] == 7  # the unweighted n: those who answered both
    n = 7
    plain = chi_square([[v * n / total for v in row] for row in expected])
    assert table.test.corrected and table.test.statistic == pytest.approx(plain.statistic / 1.6)
    assert table.test.df == plain.df


def test_a_filter_narrows_the_weighted_figures_too(app, survey):
    """Only the telephone response (a driver, weight 0.4): every weighted share is 100 or 0 percent."""
    _answered(app, survey)
    with app.app_context():
        model = db.session.get(Survey, survey.id)
        results = compute(model, ResultFilter(channel="telefon"), weights=_weights(survey))
    assert results.total == 1 and results.weighted_total == pytest.approx(0.4)
    mode = next(r for r in results.questions if r.question.id == survey.q["mode"])
    assert [c.weighted_pct for c in mode.cells] == [0.0, 100.0, 0.0]
    assert mode.weighted_base == pytest.approx(0.4)
