"""Public results say exactly what they show (#12 item 6).

A property test over random small data sets: no published figure is a group of 1-4 respondents, none can
be worked out from the published sums, and no extreme value (minimum, maximum, earliest or latest date)
is published. Nor can two public tables be compared to find one (a filtered table against the unfiltered
one, a cross-table's row total against the question's own count): the public gets fixed tables, every
filter or cross-table query gives the plain page and the cross-table download is refused. Then the
specific cases: free texts, numbering without codes, no empty columns, and the page a visitor gets for
results that are not published yet.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Survey
from participation.surveys.results.services import compute
from tests.conftest import get_user, login
from tests.surveys.factories import Built, set_dates
from tests.surveys.results_factories import answer, close_and_publish, results_survey
from tests.surveys.test_results import _section, _text
from tests.surveys.test_results_disclosure import recoverable

T = 5
CHANNELS = ("online", "online", "telefon", "papier", "buergerbuero")


def random_response(rng: random.Random) -> dict:
    """One respondent's answers; any question may stay unanswered."""
    answers: dict = {}
    mode = rng.choice(["Rad", "Rad", "Auto", "Bus", None])
    if mode:
        answers["mode"] = mode
        if mode == "Rad" and rng.random() < 0.8:  # "km" is shown only to cyclists
            answers["km"] = rng.randint(0, 60)
    if rng.random() < 0.8:
        answers["wish"] = rng.sample(["Bäume", "Bänke", "Licht"], rng.randint(1, 3))
    if rng.random() < 0.85:
        answers["scale"] = rng.choice([1, 2, 3, 4, 5, "dk"])
    if rng.random() < 0.7:
        answers["temp"] = str(rng.randint(-5, 30))
    if rng.random() < 0.8:
        answers["yesno"] = rng.choice(["ja", "nein"])
    if rng.random() < 0.8:
        answers["matrix"] = {row: rng.randint(1, 3) for row in ("Licht", "Lärm") if rng.random() < 0.8}
    if rng.random() < 0.6:
        answers["rank"] = dict(zip(["Grün", "Parken"], rng.sample([1, 2], 2), strict=True))
    if rng.random() < 0.6:
        answers["since"] = date(rng.randint(1990, 2025), rng.randint(1, 12), 1).isoformat()
    if rng.random() < 0.5:
        answers["note"] = f"Hinweis {rng.randint(1, 99)}"
    return answers


class Audit:
    """Collects every published count with the sums it belongs to, and checks both rules."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def relation(self, what: str, counts: list, shown: list, relations: list[list[int]]) -> None:
        """`relations`: index lists whose sums are published (only those the page shows)."""
        for true, published in zip(counts, shown, strict=True):
            if published is not None and published != true:
                self.problems.append(f"{what}: published {published}, true {true}")
            if published is not None and 0 < published < T:
                self.problems.append(f"{what}: a group of {published} is published")
        if recoverable(counts, shown, relations):
            self.problems.append(f"{what}: {shown} (true {counts}) can be worked out from {relations}")


def audit(public, staff) -> list[str]:
    """Every rule of public results, checked against the unsuppressed figures."""
    check = Audit()
    total = staff.total
    for name, pub, true in (("channels", public.channels, staff.channels),):
        check.relation(name, [c.count for c in true], [c.count for c in pub], [list(range(len(true)))])
    days_true, days_pub = [n for _d, n in staff.per_day], [n for _d, n in public.per_day]
    check.relation("per day", days_true, days_pub, [list(range(len(days_true)))])
    for pub, true in zip(public.questions, staff.questions, strict=True):
        what, kind = f"{pub.number}. {pub.question.text}", pub.question.qtype
        check.relation(what + " base", [true.base, true.not_shown], [pub.base, pub.not_shown], [[0, 1]])
        base_shown = pub.base is not None
        check.relation(
            what + " answered",
            [true.answered, true.no_answer],
            [pub.answered, pub.no_answer],
            [[0, 1]] if base_shown else [],
        )
        if pub.stats is not None:
            if pub.stats.minimum is not None or pub.stats.maximum is not None:
                check.problems.append(f"{what}: an extreme value is published")
        if pub.first_date or pub.last_date:
            check.problems.append(f"{what}: the earliest or latest date is published")
        if pub.suppressed:
            continue
        k = len(true.cells)
        if kind in ("single", "yesno"):
            relations = ([list(range(k))] if pub.answered is not None else []) + (
                [list(range(k + 1))] if base_shown else []
            )
            check.relation(
                what,
                [c.count for c in true.cells] + [true.no_answer],
                [c.count for c in pub.cells] + [pub.no_answer],
                relations,
            )
        elif kind == "multiple":
            for t, p in zip(true.cells, pub.cells, strict=True):
                shown = [p.count, None if p.count is None else true.base - t.count]
                check.relation(f"{what} {t.label}", [t.count, true.base - t.count], shown, [[0, 1]])
        elif kind == "scale":
            relations = [list(range(k))] if pub.stats and pub.stats.n is not None else []
            relations += [list(range(k + 1))] if pub.answered is not None else []
            relations += [list(range(k + 2))] if base_shown else []
            check.relation(
                what,
                [c.count for c in true.cells] + [true.dont_know, true.no_answer],
                [c.count for c in pub.cells] + [pub.dont_know, pub.no_answer],
                relations,
            )
        elif kind == "matrix":
            for t, p in zip(true.rows, pub.rows, strict=True):
                n, k = sum(c.count for c in t.cells), len(t.cells)
                rest = true.base - n - t.dont_know
                relations = [list(range(k))] if p.stats and p.stats.n is not None else []
                check.relation(
                    f"{what} {t.label}",
                    [c.count for c in t.cells] + [t.dont_know, rest],
                    [c.count for c in p.cells] + [p.dont_know, p.no_answer],
                    relations + ([list(range(k + 2))] if base_shown else []),
                )
        elif kind == "number" and pub.stats is not None and pub.stats.n is not None:
            if pub.answered is None or pub.stats.n != pub.answered:
                check.problems.append(f"{what}: n {pub.stats.n} gives away the protected answered count")
        elif kind == "ranking":
            firsts = [r.first for r in true.ranks]
            relations = [list(range(len(firsts)))] if pub.answered is not None else []
            check.relation(what, firsts, [r.first for r in pub.ranks], relations)
    if public.codes_issued:
        used = [staff.codes_used, total - staff.codes_used]
        shown = [public.codes_used, None if public.codes_used is None else total - public.codes_used]
        check.relation("codes", used, shown, [[0, 1]])
    if public.cross is not None:
        _audit_cross(check, public.cross, staff.cross)
    return check.problems


def _audit_cross(check: Audit, pub, true) -> None:
    height, width = len(true.counts), len(true.counts[0])
    flat_true = [c for row in true.counts for c in row]
    flat_pub = [c for row in pub.counts for c in row]
    relations = [[r * width + c for c in range(width)] for r in range(height) if pub.grid[r][-1] is not None]
    relations += [[r * width + c for r in range(height)] for c in range(width) if pub.grid[-1][c] is not None]
    relations += [list(range(height * width))] if pub.grid[-1][-1] is not None else []
    check.relation("cross-table", flat_true, flat_pub, relations)
    margins_true = [row[-1] for row in true.grid] + true.grid[-1][:-1]
    margins_pub = [row[-1] for row in pub.grid] + pub.grid[-1][:-1]
    check.relation("cross-table margins", margins_true, margins_pub, [])
    if pub.test is not None and any(c is None for c in flat_pub):
        check.problems.append("cross-table: a test computed from protected cells is published")
    for shares in (pub.row_pct, pub.col_pct):
        for line, counts in zip(shares, pub.grid, strict=True):
            for share, count in zip(line, counts, strict=True):
                if share is not None and count is None:
                    check.problems.append("cross-table: the share of a protected count is published")


def crafted_queries(rng: random.Random, built: Built) -> list[str]:
    """Query strings a visitor could try: an answer filter, staff filters, a cross-table, all at once."""
    answer_keys = [str(built.o[f"mode:{m}"]) for m in ("Rad", "Auto", "Bus")]
    answer_keys += [str(built.o[f"wish:{w}"]) for w in ("Bäume", "Licht")]
    answer_keys += [f"q{built.q['yesno']}v{rng.randint(0, 1)}", f"q{built.q['scale']}v{rng.randint(1, 5)}"]
    rows, columns = rng.sample([built.q[k] for k in ("mode", "wish", "scale", "yesno")], 2)
    cross = f"zeilen={rows}&spalten={columns}&prozent={rng.choice(['zeilen', 'spalten', ''])}"
    filtered = f"antwort={rng.choice(answer_keys)}"
    staff_only = "kanal=telefon&von=2026-11-21&bis=2026-11-22"
    return [filtered, cross, staff_only, f"{filtered}&{cross}&{staff_only}"]


def public_figures(client, survey_id: int, query: str = "") -> str:
    """The page as text: every figure and label, without markup (CSRF token, nonce, link targets)."""
    response = client.get(f"/umfragen/{survey_id}/ergebnisse" + (f"?{query}" if query else ""))
    assert response.status_code == 200, (query, response.status_code)
    return _text(response.get_data(as_text=True))


def test_public_results_never_show_a_protected_value_on_random_small_data(app, planner):
    """30 random surveys of 5-16 respondents: every public figure passes every rule, page and data; no
    second public table exists to compare it with (crafted filter and cross-table queries change nothing)."""
    rng = random.Random(20261206)
    for attempt in range(30):
        built = results_survey(app, planner.id)
        for _ in range(rng.randint(T, 16)):
            day = date(2026, 11, rng.randint(20, 23))
            answer(app, built, channel=rng.choice(CHANNELS), day=day, **random_response(rng))
        pair = rng.choice([("mode", "yesno"), ("mode", "wish"), ("yesno", "scale"), ("scale", "mode")])
        cross = (built.q[pair[0]], built.q[pair[1]])
        with app.app_context():
            survey = db.session.get(Survey, built.id)
            public = compute(survey, public=True, threshold=T, cross=cross, public_texts=True)
            staff = compute(survey, threshold=T, cross=cross)
        assert audit(public, staff) == [], f"attempt {attempt}"
        close_and_publish(app, built)
        visitor = app.test_client()
        page = public_figures(visitor, built.id)
        assert "Frühestes Datum" not in page and "Minimum" not in page and "Maximum" not in page
        assert not re.search(r"\b[QR]\d{2}\b|\bR\d\b", page), "a question code in public results"
        # The differencing attack: the only public table is the plain page, whatever the query asks.
        for query in crafted_queries(rng, built):
            assert public_figures(visitor, built.id, query) == page, f"attempt {attempt}: ?{query}"
            download = visitor.get(f"/umfragen/{built.id}/ergebnisse/kreuztabelle?{query}&format=csv")
            assert download.status_code == 403 and "Content-Disposition" not in download.headers


def test_the_audit_finds_what_a_careless_page_would_publish(app, planner):
    """The checker is not blind: staff figures (unsuppressed) fail it on a small group."""
    built = results_survey(app, planner.id)
    for mode in ("Rad", "Rad", "Rad", "Rad", "Rad", "Auto"):
        answer(app, built, mode=mode, temp="3", since="2020-01-01")
    with app.app_context():
        staff = compute(db.session.get(Survey, built.id), threshold=T)
    problems = " | ".join(audit(staff, staff))
    assert "a group of 1 is published" in problems and "extreme value" in problems
    assert "earliest or latest date" in problems


# --- the specific cases ---------------------------------------------------------------------------


def numbered_survey(app, owner_id: int) -> Built:
    """A text block first (no number), then a choice, a date, a free text and a conditional number."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(owner, title="Nummern", access="account", anonymous=True)
        page = survey.pages[0]
        built = Built(id=survey.id, pages=[page.id])
        services.add_question(owner, page, "display", "Willkommen zur Umfrage")
        mode = services.add_question(owner, page, "single", "Wie kommen Sie?")
        for label in ("Rad", "Auto"):
            built.o[f"mode:{label}"] = services.add_option(owner, mode, label).id
        since = services.add_question(owner, page, "date", "Seit wann?")
        note = services.add_question(owner, page, "long_text", "Ihre Anmerkung", settings={"max_length": 200})
        km = services.add_question(owner, page, "number", "Kilometer pro Woche")
        services.add_condition(owner, km, mode, "eq", option_id=built.o["mode:Rad"])
        built.q.update(mode=mode.id, since=since.id, note=note.id, km=km.id)
        services.publish(owner, survey)
        db.session.commit()
        return built


def _answer(app, built: Built, mode: str, **values) -> None:
    form = {f"q{built.q['mode']}": [str(built.o[f"mode:{mode}"])]}
    form |= {f"q{built.q[key]}": [str(value)] for key, value in values.items()}
    with app.app_context():
        services.submit_response(db.session.get(Survey, built.id), form, channel="papier", assisted=True)
        db.session.commit()


def test_numbers_as_the_respondent_saw_them_codes_only_for_staff(app, client, planner):
    """The text block has no number: the first question is 1.; staff also see the code."""
    built = numbered_survey(app, planner.id)
    for index in range(6):
        _answer(app, built, "Rad", since=f"2019-0{index + 1}-01", km=index + 1)
    close_and_publish(app, built)
    html = app.test_client().get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True)
    headings = [_text(h) for h in re.findall(r'<h3 id="q\d+-heading">(.*?)</h3>', html, flags=re.S)]
    assert [h.strip() for h in headings] == [
        "1. Wie kommen Sie?",
        "2. Seit wann?",
        "3. Ihre Anmerkung",
        "4. Kilometer pro Woche",
    ]
    assert not re.search(r"\bQ\d{2}\b", _text(html))
    login(client, planner)
    staff = client.get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True)
    assert "Frage 1: Rad" in _text(staff)  # the filter names questions by number too
    assert re.search(r'1\. Wie kommen Sie\? <span class="result-code">Q02</span>', staff)


def test_dates_extremes_and_empty_columns_are_not_published(app, client, planner):
    """Public: no earliest/latest date (the page says so), no Minimum/Maximum boxes; staff see both."""
    built = numbered_survey(app, planner.id)
    for index in range(6):
        _answer(app, built, "Rad", since=f"20{10 + index}-03-01", km=10 * index)
    close_and_publish(app, built)
    public = app.test_client().get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True)
    since = _section(public, "2.")
    assert "01.03.2010" not in since and "01.03.2015" not in since
    assert "Einzelne Datumsangaben werden zum Schutz der Befragten nicht gezeigt" in since
    km = _section(public, "4.")
    assert "Median 25" in km and "Minimum" not in km and "Maximum" not in km and "–" not in km
    assert "Kleinster und größter Wert, frühestes und spätestes Datum werden nie gezeigt" in _text(public)
    login(client, planner)
    staff = client.get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True)
    assert "Frühestes Datum: 01.03.2010 – spätestes Datum: 01.03.2015" in _section(staff, "Q03")
    assert "Minimum 0 Maximum 50" in _section(staff, "Q05")


def test_free_text_questions_say_why_nothing_is_shown(app, client, planner):
    """Not published: a sentence says so; published: the texts; too few answers (or too few without
    one, which the list's length would give away): that reason, on the results and the texts page."""
    built = numbered_survey(app, planner.id)
    for index in range(6):
        _answer(app, built, "Auto", note=f"Mehr Busse {index}")
    close_and_publish(app, built)
    url = f"/umfragen/{built.id}/ergebnisse"
    hidden = _section(app.test_client().get(url).get_data(as_text=True), "3.")
    assert "Freitextantworten werden nicht veröffentlicht." in hidden and "Mehr Busse" not in hidden
    with app.app_context():
        db.session.get(Survey, built.id).texts_published = True
        db.session.commit()
    shown = _section(app.test_client().get(url).get_data(as_text=True), "3.")
    assert "Mehr Busse" in shown and "Alle 6 Antworten lesen" in shown  # a preview of some of them
    assert "nicht veröffentlicht" not in shown
    for texts in (4, 5):  # 4 answered, or 5 answered and 1 did not: nothing to list
        small = numbered_survey(app, planner.id)
        for index in range(6):
            _answer(app, small, "Auto", **({"note": f"Selten {index}"} if index < texts else {}))
        close_and_publish(app, small)
        with app.app_context():
            db.session.get(Survey, small.id).texts_published = True
            db.session.commit()
        visitor = app.test_client()
        rare = _section(visitor.get(f"/umfragen/{small.id}/ergebnisse").get_data(as_text=True), "3.")
        assert "Weniger als 5 Befragte haben diese Frage beantwortet oder offengelassen" in rare
        assert "Selten" not in rare
        page = _text(
            visitor.get(f"/umfragen/{small.id}/ergebnisse/texte/{small.q['note']}").get_data(as_text=True)
        )
        assert "Zu wenige Antworten" in page and "Selten" not in page


def test_a_question_almost_everyone_saw_hides_the_few_who_did_not(app, client, planner):
    """6 cyclists and 2 drivers: "km" was not shown to 2, so base 6 would give them away."""
    built = numbered_survey(app, planner.id)
    for _ in range(6):
        _answer(app, built, "Rad", km=5)
    for _ in range(2):
        _answer(app, built, "Auto")
    with app.app_context():
        results = compute(db.session.get(Survey, built.id), public=True, threshold=T)
    km = next(r for r in results.questions if r.question.id == built.q["km"])
    assert km.suppressed and (km.base, km.not_shown, km.answered, km.stats) == (None, None, None, None)
    close_and_publish(app, built)
    section = _section(app.test_client().get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True), "4.")
    assert "Basis: geschützt" in section and "nicht gezeigt: geschützt" in section
    assert "Sie wurde nur wenigen Befragten nicht gezeigt" in section
    # The other way round, 2 cyclists and 6 drivers: too few were shown it.
    few = numbered_survey(app, planner.id)
    for mode in ["Rad"] * 2 + ["Auto"] * 6:
        _answer(app, few, mode, **({"km": 5} if mode == "Rad" else {}))
    close_and_publish(app, few)
    section = _section(app.test_client().get(f"/umfragen/{few.id}/ergebnisse").get_data(as_text=True), "4.")
    assert "Basis: geschützt" in section and "Zu wenige Antworten: Ergebnisse werden erst ab 5" in section
    assert "nur wenigen Befragten nicht gezeigt" not in section


def test_unpublished_results_say_so_instead_of_asking_for_a_login(app, client, planner, make_user):
    """Open survey, closed but not released: a 403 page that says what is going on, no login redirect."""
    built = results_survey(app, planner.id)
    set_dates(app, built.id, ends_in=timedelta(days=3))
    url = f"/umfragen/{built.id}/ergebnisse"
    response = app.test_client().get(url)
    assert response.status_code == 403 and "Location" not in response.headers
    running = _text(response.get_data(as_text=True))
    assert "Die Ergebnisse sind noch nicht veröffentlicht. Die Umfrage läuft bis" in running
    assert "Sie betreuen diese Umfrage? Anmelden" in running
    close_and_publish(app, built, published=False)
    login(client, make_user())
    closed = client.get(url)
    assert closed.status_code == 403
    text = _text(closed.get_data(as_text=True))
    assert "Die Umfrage ist beendet. Ihre Ergebnisse sind noch nicht veröffentlicht" in text
    assert "Sie betreuen diese Umfrage?" not in text  # logged in already
    assert app.test_client().get(f"/umfragen/{built.id}/ergebnisse/kreuztabelle").status_code == 403


def test_crafted_filter_and_cross_table_urls_give_the_plain_public_page(app, client, planner, make_user):
    """107 chose "Rad", 103 in a cross-table: 4 skipped. So the public has neither: no form, and a crafted
    query gives exactly the plain page (visitor and citizen); the download answers 403 and says why.
    Staff keep both, with full figures."""
    built = results_survey(app, planner.id)
    for index in range(13):
        mode = "Rad" if index < 8 else "Auto"
        extra = {"yesno": "ja" if index % 3 else "nein"} if index != 0 else {}  # one cyclist skips yesno
        answer(app, built, channel="telefon" if index < 2 else "online", mode=mode, **extra)
    close_and_publish(app, built)
    cross = f"zeilen={built.q['mode']}&spalten={built.q['yesno']}&prozent=zeilen"
    queries = [f"antwort={built.o['mode:Rad']}", cross, "kanal=telefon&von=2020-01-01", f"antwort=1&{cross}"]
    citizen = app.test_client()
    login(citizen, make_user())
    citizen.get("/")  # shows (and so ends) the login message
    for reader in (app.test_client(), citizen):
        plain = public_figures(reader, built.id)
        assert "Filter und Kreuztabellen stehen nur der Verwaltung zur Verfügung" in plain
        assert "Filtern und vergleichen" not in plain and "Chi-Quadrat" not in plain
        assert "Rad 8" in _section(
            reader.get(f"/umfragen/{built.id}/ergebnisse").get_data(as_text=True), "1."
        )
        for query in queries:
            assert public_figures(reader, built.id, query) == plain, query
        for fmt in ("csv", "xlsx"):
            refused = reader.get(f"/umfragen/{built.id}/ergebnisse/kreuztabelle?{cross}&format={fmt}")
            assert refused.status_code == 403 and "Content-Disposition" not in refused.headers
            text = _text(refused.get_data(as_text=True))
            assert (
                "Zum Schutz kleiner Gruppen werden die Ergebnisse öffentlich nur als feste Tabellen" in text
            )
    login(client, planner)
    staff = client.get(f"/umfragen/{built.id}/ergebnisse?{cross}").get_data(as_text=True)
    assert 'id="cross-heading"' in staff and "Filtern und vergleichen" in staff
    grid = _text(staff[staff.index('id="cross-heading"') : staff.index('id="overview-heading"')])
    assert "Rad 5 71,4 % 2 28,6 % 7" in grid  # the cyclist who skipped "Wohnen Sie hier?" is not counted
    filtered = _text(client.get(f"/umfragen/{built.id}/ergebnisse?kanal=telefon").get_data(as_text=True))
    assert "Basis: 2" in filtered  # staff see small filtered groups in full
    download = client.get(f"/umfragen/{built.id}/ergebnisse/kreuztabelle?{cross}&format=csv")
    assert download.status_code == 200 and "_kreuztabelle-csv.csv" in download.headers["Content-Disposition"]
