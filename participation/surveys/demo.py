"""Musterstadt demo surveys: an open one with every question type, a closed one with ~300 responses."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys import builder
from participation.surveys.models import Answer, Channel, Response, Survey

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
    from participation.projects.models import Project

    return db.session.scalar(select(Project.id).where(Project.title.ilike(f"%{word}%")).limit(1))


def _q(planner, page, qtype, text, options=(), rows=(), **fields):
    question = builder.add_question(planner, page, qtype, text, **fields)
    for label in options:
        builder.add_option(
            planner, question, label, is_other=label == "Sonstiges", exclusive=label == "Nichts davon"
        )
    for label in rows:
        builder.add_option(planner, question, label, kind="row")
    return question


def _marktplatz(planner) -> Survey:
    now = utcnow()
    survey = builder.create_survey(
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
    second = builder.add_page(planner, survey, "Ihre Wünsche")
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
    builder.add_condition(planner, reason, wishes, "contains", option_id=wishes.choices[1].id)
    third = builder.add_page(planner, survey, "Zu Ihrer Person")
    builder.add_condition(planner, third, visits, "ne", option_id=visits.choices[3].id)
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
    builder.publish(planner, survey)
    return survey


def _radverkehr(planner) -> Survey:
    now = utcnow()
    survey = builder.create_survey(
        planner,
        title=CLOSED_TITLE,
        access="code",
        anonymous=True,
        results_published=True,
        intro="Befragung einer Zufallsstichprobe per Brief, mit Teilnahme am Telefon und im Bürgerbüro.",
        starts_at=now - timedelta(days=120),
        ends_at=now - timedelta(days=60),
    )
    page = survey.pages[0]
    modes = _q(
        planner,
        page,
        "single",
        "Wie kommen Sie meist in die Innenstadt?",
        mandatory=True,
        options=("Rad", "Auto", "Bus", "Zu Fuß", "Sonstiges"),
    )
    wishes = _q(
        planner,
        page,
        "multiple",
        "Was würde Sie öfter aufs Rad bringen?",
        settings={"max_choices": 3},
        options=("Breitere Radwege", "Abstellanlagen", "Beleuchtung", "Nichts davon"),
    )
    safety = _q(
        planner,
        page,
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
    km = _q(planner, page, "number", "Wie viele Kilometer fahren Sie pro Woche?", settings={"min": "0"})
    ebike = _q(planner, page, "yesno", "Besitzen Sie ein Pedelec?")
    builder.publish(planner, survey)
    db.session.flush()
    _generate_responses(survey, modes, wishes, safety, km, ebike)
    return survey


def _generate_responses(survey, modes, wishes, safety, km, ebike, count: int = 300) -> None:
    """~300 deterministic responses across every channel, inserted in two bulk statements."""
    rng = random.Random(2025)
    channels = (
        [Channel.ONLINE.value] * 6
        + [Channel.TELEFON.value, Channel.BUERGERBUERO.value]
        + [Channel.PAPIER.value] * 2
    )
    day = (survey.starts_at + timedelta(days=10)).date()
    responses, answers = [], []
    other = next(o for o in modes.choices if o.is_other)
    for _ in range(count):
        response_id = f"{rng.getrandbits(128):032x}"
        channel = rng.choice(channels)
        responses.append(
            {
                "id": response_id,
                "survey_id": survey.id,
                "channel": channel,
                "via": "code",
                "submitted_on": day + timedelta(days=rng.randrange(50)),
            }
        )
        mode = rng.choices(modes.choices, weights=(35, 35, 15, 12, 3))[0]
        answers.append(
            _row(
                response_id, modes.id, option_id=mode.id, value_text="Roller" if mode.id == other.id else None
            )
        )
        picks = rng.sample(wishes.choices[:3], rng.randint(0, 3)) or [wishes.choices[3]]
        answers.extend(_row(response_id, wishes.id, option_id=o.id) for o in picks)
        if rng.random() < 0.08:
            answers.append(_row(response_id, safety.id, dont_know=True))
        else:
            answers.append(_row(response_id, safety.id, value_number=Decimal(rng.randint(1, 5))))
        if mode.label == "Rad" or rng.random() < 0.3:
            answers.append(_row(response_id, km.id, value_number=Decimal(rng.randint(0, 120))))
        answers.append(_row(response_id, ebike.id, value_number=Decimal(int(rng.random() < 0.25))))
    db.session.execute(insert(Response), responses)
    db.session.execute(insert(Answer), answers)


def _row(response_id: str, question_id: int, **values) -> dict:
    row = {
        "response_id": response_id,
        "question_id": question_id,
        "option_id": None,
        "row_id": None,
        "value_number": None,
        "value_text": None,
        "value_date": None,
        "rank": None,
        "dont_know": False,
    }
    row.update(values)
    return row
