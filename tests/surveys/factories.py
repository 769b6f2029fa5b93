"""Building test surveys through the real builder services (every question type)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Survey
from tests.conftest import get_user


@dataclass
class Built:
    """Ids of a committed survey, its questions by type and their options by label."""

    id: int
    q: dict[str, int] = field(default_factory=dict)
    o: dict[str, int] = field(default_factory=dict)
    pages: list[int] = field(default_factory=list)


def every_type_survey(
    app,
    owner_id: int,
    *,
    access="account",
    anonymous=True,
    publish=True,
    allow_changes=False,
    mandatory=False,
) -> Built:
    """One page with every question type (plus a display text), settings as a planner would choose."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(
            owner, title="Alles drin", access=access, anonymous=anonymous, allow_changes=allow_changes
        )
        page = survey.pages[0]
        built = Built(id=survey.id, pages=[page.id])

        def add(key, qtype, text, settings=None, options=(), rows=()):
            question = services.add_question(
                owner, page, qtype, text, settings=settings or {}, mandatory=mandatory
            )
            built.q[key] = question.id
            for label in options:
                is_other, exclusive = label == "Sonstiges", label == "keine davon"
                built.o[f"{key}:{label}"] = services.add_option(
                    owner, question, label, is_other=is_other, exclusive=exclusive
                ).id
            for label in rows:
                built.o[f"{key}:{label}"] = services.add_option(owner, question, label, kind="row").id
            return question

        add("intro", "display", "## Willkommen")
        add("single", "single", "Lieblingsort?", options=("Brunnen", "Bänke", "Sonstiges"))
        add("dropdown", "single", "Ortsteil?", {"display": "dropdown"}, options=("Nord", "Süd"))
        add(
            "multiple",
            "multiple",
            "Was fehlt?",
            {"min_choices": 1, "max_choices": 2},
            options=("Bäume", "Bänke", "Licht", "Sonstiges", "keine davon"),
        )
        add("short", "short_text", "Ein Wort", {"max_length": 10})
        add("long", "long_text", "Anmerkungen", {"max_length": 50})
        add("int", "number", "Alter", {"min": "0", "max": "120"})
        add("dec", "number", "Wie viele Kilometer?", {"decimal": True, "min": "0", "max": "99.5"})
        add(
            "scale",
            "scale",
            "Zufriedenheit",
            {
                "scale_min": 1,
                "scale_max": 5,
                "label_min": "gar nicht",
                "label_max": "sehr",
                "dont_know": True,
            },
        )
        add(
            "matrix",
            "matrix",
            "Bewerten Sie",
            {"scale_min": 1, "scale_max": 5},
            rows=("Sauberkeit", "Sicherheit"),
        )
        add("ranking", "ranking", "Ordnen Sie", options=("Grün", "Parken", "Markt"))
        add("yesno", "yesno", "Wohnen Sie hier?")
        add("date", "date", "Seit wann?", {"min_date": "1950-01-01", "max_date": "2030-12-31"})
        if publish:
            services.publish(owner, survey)
        db.session.commit()
        return built


def two_page_survey(app, owner_id: int, *, access="account", anonymous=True, publish=True) -> Built:
    """Page 1: Q single (Ja/Nein as options) + number; page 2 only if "Ja"; a question there mandatory."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(owner, title="Radwege", access=access, anonymous=anonymous)
        first = survey.pages[0]
        second = services.add_page(owner, survey, "Ihr Rad")
        built = Built(id=survey.id, pages=[first.id, second.id])
        cycle = services.add_question(owner, first, "single", "Fahren Sie Rad?", mandatory=True)
        built.q["cycle"] = cycle.id
        built.o["ja"] = services.add_option(owner, cycle, "Ja").id
        built.o["nein"] = services.add_option(owner, cycle, "Nein").id
        km = services.add_question(
            owner, first, "number", "Wie viele Kilometer am Tag?", settings={"min": "0"}
        )
        built.q["km"] = km.id
        often = services.add_question(owner, second, "yesno", "Fahren Sie täglich?", mandatory=True)
        built.q["often"] = often.id
        far = services.add_question(owner, second, "short_text", "Wohin?", settings={"max_length": 50})
        built.q["far"] = far.id
        services.add_condition(owner, second, cycle, "eq", option_id=built.o["ja"])
        services.add_condition(owner, far, km, "gt", value="10")
        if publish:
            services.publish(owner, survey)
        db.session.commit()
        return built


def set_dates(app, survey_id: int, *, starts_in=None, ends_in=None, closed=False) -> None:
    """Move a survey's window relative to now (timedelta or None)."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        now = utcnow()
        survey.starts_at = now + starts_in if starts_in is not None else None
        survey.ends_at = now + ends_in if ends_in is not None else None
        if closed:
            survey.closed_at = now - timedelta(seconds=1)
        db.session.commit()
