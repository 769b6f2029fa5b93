"""Musterstadt demo surveys, both with every question type: an open one, a closed one with 300 responses."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from participation.core import audit
from participation.core.types import utcnow
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys import services
from participation.surveys.answering.codes import ALPHABET, CODE_LENGTH, hash_code
from participation.surveys.models import Answer, Channel, ParticipationCode, Response, Survey
from participation.surveys.questions.base import answer_row
from participation.surveys.weighting import demo as weighting

OPEN_TITLE = "Neugestaltung Marktplatz"
CLOSED_TITLE = "Radverkehr in Musterstadt 2025"
PLANNER = "planung@musterstadt.example"


def seed_surveys(users) -> None:
    """Create both demo surveys unless they exist (idempotent)."""
    planner = users.get(PLANNER)
    if planner is None:
        return
    existing = set(
        db.session.scalars(select(Survey.title).where(Survey.title.in_([OPEN_TITLE, CLOSED_TITLE])))
    )
    if OPEN_TITLE not in existing:
        _marktplatz(planner)
    if CLOSED_TITLE not in existing:
        _radverkehr(planner)


def _project_id(word: str) -> int | None:
    return db.session.scalar(select(Project.id).where(Project.title.ilike(f"%{word}%")).limit(1))


def _q(planner, page, qtype, text, options=(), rows=(), **fields):
    question = services.add_question(planner, page, qtype, text, **fields)
    for label in options:
        services.add_option(
            planner, question, label, is_other=label == "Sonstiges", exclusive=label == "Nichts davon"
        )
    for label in rows:
        services.add_option(planner, question, label, kind="row")
    return question


def _marktplatz(planner) -> Survey:
    now = utcnow()
    survey = services.create_survey(
        planner,
        title=OPEN_TITLE,
        access="account",
        anonymous=True,
        project_id=_project_id("Marktplatz"),
        intro="Der Marktplatz soll bis 2027 neu gestaltet werden. Sagen Sie uns, was Ihnen wichtig ist.\n\n"
        "Die Umfrage dauert etwa **5 Minuten**.",
        privacy_notice="Die Umfrage ist anonym. Wir speichern Ihre Antworten ohne Verbindung zu Ihrem Konto; "
        "nur dass Sie teilgenommen haben, wird getrennt vermerkt.",
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=40),
    )
    first = survey.pages[0]
    first.title = "Ihr Marktplatz heute"
    _q(planner, first, "display", "Zuerst ein paar Fragen dazu, wie Sie den Marktplatz heute nutzen.")
    visits = _q(
        planner,
        first,
        "single",
        "Wie oft sind Sie auf dem Marktplatz?",
        mandatory=True,
        options=("Täglich", "Wöchentlich", "Seltener", "Nie"),
    )
    _q(
        planner,
        first,
        "single",
        "In welchem Ortsteil wohnen Sie?",
        settings={"display": "dropdown"},
        options=("Altstadt", "Nordviertel", "Südstadt", "Am Bach", "Sonstiges"),
    )
    _q(
        planner,
        first,
        "matrix",
        "Wie bewerten Sie den Marktplatz heute?",
        settings={
            "scale_min": 1,
            "scale_max": 5,
            "label_min": "sehr schlecht",
            "label_max": "sehr gut",
            "dont_know": True,
        },
        rows=("Sauberkeit", "Sicherheit am Abend", "Sitzgelegenheiten", "Schatten"),
    )
    _q(planner, first, "yesno", "Besuchen Sie den Wochenmarkt?")
    second = services.add_page(planner, survey, "Ihre Wünsche")
    wishes = _q(
        planner,
        second,
        "multiple",
        "Was sollte der neue Marktplatz bieten?",
        settings={"min_choices": 1, "max_choices": 3},
        mandatory=True,
        options=("Mehr Bäume", "Brunnen", "Spielgeräte", "Bänke", "Sonstiges", "Nichts davon"),
    )
    _q(planner, second, "ranking", "Ordnen Sie nach Wichtigkeit.", options=("Aufenthalt", "Markt", "Parken"))
    _q(
        planner,
        second,
        "scale",
        "Wie wichtig ist Ihnen ein autofreier Marktplatz?",
        settings={
            "scale_min": 0,
            "scale_max": 10,
            "label_min": "unwichtig",
            "label_max": "sehr wichtig",
            "dont_know": True,
        },
    )
    reason = _q(
        planner,
        second,
        "short_text",
        "Welcher Brunnen gefällt Ihnen in der Region?",
        settings={"max_length": 100},
    )
    services.add_condition(planner, reason, wishes, "contains", option_id=wishes.choices[1].id)
    third = services.add_page(planner, survey, "Zu Ihrer Person")
    services.add_condition(planner, third, visits, "ne", option_id=visits.choices[3].id)
    _q(planner, third, "number", "Wie alt sind Sie?", settings={"min": "14", "max": "120"})
    _q(
        planner,
        third,
        "number",
        "Wie weit wohnen Sie entfernt (km)?",
        settings={"decimal": True, "min": "0", "max": "100"},
    )
    _q(planner, third, "date", "Seit wann wohnen Sie in Musterstadt?", settings={"min_date": "1920-01-01"})
    _q(
        planner,
        third,
        "long_text",
        "Was möchten Sie uns noch sagen?",
        settings={"max_length": 2000},
        help_text="Bitte keine Namen oder Adressen anderer Personen.",
    )
    services.publish(planner, survey)
    return survey


def _radverkehr(planner) -> Survey:
    now = utcnow()
    survey = services.create_survey(
        planner,
        title=CLOSED_TITLE,
        access="code",
        anonymous=True,
        results_published=True,
        project_id=_project_id("Radweg"),
        intro="Befragung einer Zufallsstichprobe per Brief, mit Teilnahme am Telefon und im Bürgerbüro.",
        privacy_notice="Die Befragung ist anonym. Der Code aus Ihrem Brief wird nur als Prüfsumme "
        "gespeichert und nach der Teilnahme als verbraucht markiert, ohne Verbindung zu Ihren Antworten.",
        starts_at=now - timedelta(days=120),
        ends_at=now - timedelta(days=60),
    )
    first = survey.pages[0]
    first.title = "Ihre Wege"
    _q(planner, first, "display", "Diese Befragung ging per Brief an 800 zufällig ausgewählte Haushalte.")
    q = {}
    q["mode"] = _q(
        planner,
        first,
        "single",
        "Wie kommen Sie meist in die Innenstadt?",
        mandatory=True,
        options=("Rad", "Auto", "Bus", "Zu Fuß", "Sonstiges"),
    )
    q["district"] = _q(
        planner,
        first,
        "single",
        "In welchem Ortsteil wohnen Sie?",
        settings={"display": "dropdown"},
        options=DISTRICTS,
    )
    q["wishes"] = _q(
        planner,
        first,
        "multiple",
        "Was würde Sie öfter aufs Rad bringen?",
        settings={"max_choices": 3},
        options=("Breitere Radwege", "Abstellanlagen", "Beleuchtung", "Nichts davon"),
    )
    q["km"] = _q(planner, first, "number", "Wie viele Kilometer fahren Sie pro Woche?", settings={"min": "0"})
    q["ebike"] = _q(planner, first, "yesno", "Besitzen Sie ein Pedelec?")
    q["since"] = _q(
        planner,
        first,
        "date",
        "Seit wann fahren Sie regelmäßig Rad?",
        settings={"min_date": "1950-01-01"},
        help_text="Ungefähr genügt, z. B. der 1. Januar des Jahres.",
    )
    second = services.add_page(planner, survey, "Sicherheit und Wünsche")
    q["safety"] = _q(
        planner,
        second,
        "scale",
        "Wie sicher fühlen Sie sich auf dem Rad?",
        settings={
            "scale_min": 1,
            "scale_max": 5,
            "label_min": "gar nicht",
            "label_max": "sehr",
            "dont_know": True,
        },
    )
    q["routes"] = _q(
        planner,
        second,
        "matrix",
        "Wie bewerten Sie diese Strecken für den Radverkehr?",
        settings={
            "scale_min": 1,
            "scale_max": 5,
            "label_min": "sehr schlecht",
            "label_max": "sehr gut",
            "dont_know": True,
        },
        rows=("Bahnhofstraße", "Ring", "Schulweg am Lindenpark"),
    )
    q["ranking"] = _q(
        planner,
        second,
        "ranking",
        "Was soll die Stadt zuerst bauen?",
        options=("Radweg Bahnhofstraße", "Fahrradparkhaus am Bahnhof", "Beleuchtung am Ring"),
    )
    q["danger"] = _q(
        planner,
        second,
        "short_text",
        "Wo fühlen Sie sich auf dem Rad am unsichersten?",
        settings={"max_length": 100},
    )
    services.add_condition(planner, q["danger"], q["mode"], "eq", option_id=q["mode"].choices[0].id)
    q["comment"] = _q(
        planner,
        second,
        "long_text",
        "Was möchten Sie uns noch sagen?",
        settings={"max_length": 2000},
    )
    # Asked last (its code follows the others) but shown right after the district.
    q["age"] = _q(planner, first, "single", "Wie alt sind Sie?", options=weighting.AGE_OPTIONS)
    for question in first.questions:
        if question.position > q["district"].position and question is not q["age"]:
            question.position += 1
    q["age"].position = q["district"].position + 1
    services.publish(planner, survey)
    db.session.flush()
    used_on = _generate_responses(survey, q)
    _generate_codes(planner, survey, used_on)
    weighting.preset(planner, survey, q["district"], q["age"])
    return survey


DISTRICTS = ("Altstadt", "Nordviertel", "Südstadt", "Am Bach")
DANGER_SPOTS = (
    "Kreuzung Bahnhofstraße/Ring",
    "Ring am Abend",
    "Bahnhofstraße",
    "Kreisel an der Schule",
    "Unterführung am Bahnhof",
    "Hauptstraße bei Lieferverkehr",
)
COMMENTS = (
    "Bitte mehr Fahrradbügel in der Innenstadt.",
    "Die Ampelschaltung am Ring ist für Radfahrende sehr ungünstig.",
    "Ich fahre nur bei gutem Wetter, im Winter ist es zu dunkel.",
    "Autos parken oft auf dem Radweg in der Bahnhofstraße.",
    "Danke für die Befragung!",
    "Ein Fahrradparkhaus am Bahnhof würde ich sofort nutzen.",
    "Die Schlaglöcher auf dem Schulweg sind gefährlich.",
)


def _generate_responses(survey, q: dict) -> list:
    """300 deterministic, plausible responses on every channel (two bulk inserts); returns code-use days."""
    rng = random.Random(2025)
    channels = (
        [Channel.ONLINE.value] * 6
        + [Channel.TELEFON.value, Channel.BUERGERBUERO.value]
        + [Channel.PAPIER.value] * 2
    )
    first_day = (survey.starts_at + timedelta(days=10)).date()
    responses, answers, used_on = [], [], []
    # Ages come from their own stream, so every other demo answer stays as it was before the question.
    ages = random.Random(2027)
    for _ in range(300):
        response_id = f"{rng.getrandbits(128):032x}"
        channel = rng.choice(channels)
        # Letters carry a code; some calls and forms came without one (entered as not deduplicated).
        via = "code" if channel == Channel.ONLINE.value or rng.random() < 0.7 else "assisted"
        day = first_day + timedelta(days=rng.randrange(50))
        if via == "code":
            used_on.append(day)
        responses.append(
            {"id": response_id, "survey_id": survey.id, "channel": channel, "via": via, "submitted_on": day}
        )
        answers.extend(_answers(rng, response_id, q))
        if ages.random() < 0.97:
            skew = weighting.AGE_WEIGHTS["online" if channel == Channel.ONLINE.value else "other"]
            answers.append(
                _row(response_id, q["age"].id, option_id=ages.choices(q["age"].choices, weights=skew)[0].id)
            )
    db.session.execute(insert(Response), responses)
    db.session.execute(insert(Answer), answers)
    return used_on


def _answers(rng: random.Random, response_id: str, q: dict) -> list[dict]:
    """One respondent's plausible answers to every question of the closed demo survey."""
    rows = []

    def add(question, **values):
        rows.append(_row(response_id, question.id, **values))

    modes = q["mode"].choices
    mode = rng.choices(modes, weights=(35, 35, 15, 12, 3))[0]
    cyclist = mode.label == "Rad"
    add(q["mode"], option_id=mode.id, value_text="Roller" if mode.is_other else None)
    if rng.random() < 0.95:
        add(q["district"], option_id=rng.choices(q["district"].choices, weights=(30, 25, 30, 15))[0].id)
    wishes = q["wishes"].choices
    for option in rng.sample(wishes[:3], rng.randint(0, 3)) or [wishes[3]]:
        add(q["wishes"], option_id=option.id)
    if cyclist or rng.random() < 0.3:
        add(q["km"], value_number=Decimal(rng.randint(20, 150) if cyclist else rng.randint(0, 30)))
    add(q["ebike"], value_number=Decimal(int(rng.random() < (0.35 if cyclist else 0.15))))
    if cyclist or rng.random() < 0.2:
        add(q["since"], value_date=date(rng.randint(1975, 2024), rng.randint(1, 12), 1))
    if rng.random() < 0.08:
        add(q["safety"], dont_know=True)
    else:
        add(q["safety"], value_number=Decimal(rng.choices(range(1, 6), weights=(15, 25, 30, 20, 10))[0]))
    for row in q["routes"].rows:
        if rng.random() < 0.9:
            if rng.random() < 0.06:
                rows.append(_row(response_id, q["routes"].id, row_id=row.id, dont_know=True))
            else:
                point = Decimal(rng.randint(1, 4) if row.position == 0 else rng.randint(2, 5))
                rows.append(_row(response_id, q["routes"].id, row_id=row.id, value_number=point))
    if rng.random() < 0.85:
        order = rng.sample(q["ranking"].choices, len(q["ranking"].choices))
        for rank, option in enumerate(order, start=1):
            add(q["ranking"], option_id=option.id, rank=rank)
    # Only cyclists were shown this question (its condition): nobody else has an answer to it.
    if cyclist and rng.random() < 0.6:
        add(q["danger"], value_text=rng.choice(DANGER_SPOTS))
    if rng.random() < 0.25:
        add(q["comment"], value_text=rng.choice(COMMENTS))
    return rows


def _generate_codes(planner, survey, used_on: list, issued: int = 800) -> None:
    """The letters' codes (hashed, as generated ones are); one used per code response, in random order."""
    days = used_on + [None] * (issued - len(used_on))
    random.Random(2026).shuffle(days)
    created = survey.starts_at.date() - timedelta(days=7)
    rows = [
        {"survey_id": survey.id, "code_hash": hash_code(code), "created_on": created, "used": day is not None}
        for code, day in zip(_random_codes(issued), days, strict=True)
    ]
    db.session.execute(insert(ParticipationCode), rows)
    audit.record(planner, "surveys.codes_generated", survey, count=issued)


def _random_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
    return sorted(codes)


def _row(response_id: str, question_id: int, **values) -> dict:
    """One answer row of a demo response (the question types' own row shape)."""
    return {"response_id": response_id, "question_id": question_id, **answer_row(**values)}
