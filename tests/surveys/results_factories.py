"""A survey for results and export tests, answered through the real answering service."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from participation.extensions import db
from participation.surveys import services
from participation.surveys.answering.services import submit_response
from participation.surveys.models import Response, Survey
from tests.conftest import get_user
from tests.surveys.factories import Built, set_dates

FREE_TEXT = 'Größe; "Straße"\nZeile 2 – Ärger €'


def results_survey(app, owner_id: int, *, anonymous: bool = True, access: str = "account") -> Built:
    """Every answer type; Q "km" is shown only to those who chose "Rad"."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(
            owner, title="Mobilität: [2026]/Innenstadt?", access=access, anonymous=anonymous
        )
        page = survey.pages[0]
        built = Built(id=survey.id, pages=[page.id])

        def add(key, kind, text, settings=None, options=(), rows=()):
            question = services.add_question(owner, page, kind, text, settings=settings or {})
            built.q[key] = question.id
            for label in options:
                built.o[f"{key}:{label}"] = services.add_option(owner, question, label).id
            for label in rows:
                built.o[f"{key}:{label}"] = services.add_option(owner, question, label, kind="row").id
            return question

        mode = add("mode", "single", "Verkehrsmittel?", options=("Rad", "Auto", "Bus"))
        add("wish", "multiple", "Was fehlt?", options=("Bäume", "Bänke", "Licht"))
        add("scale", "scale", "Zufriedenheit", {"scale_min": 1, "scale_max": 5, "dont_know": True})
        add("temp", "number", "Temperatur", {"decimal": True})
        add("note", "long_text", "Anmerkungen", {"max_length": 200})
        add("word", "short_text", "Ein Wort", {"max_length": 50})
        add("yesno", "yesno", "Wohnen Sie hier?")
        add("matrix", "matrix", "Bewerten Sie", {"scale_min": 1, "scale_max": 3}, rows=("Licht", "Lärm"))
        add("rank", "ranking", "Ordnen Sie", options=("Grün", "Parken"))
        add("since", "date", "Seit wann?")
        km = add("km", "number", "Kilometer pro Woche")
        services.add_condition(owner, km, mode, "eq", option_id=built.o["mode:Rad"])
        services.publish(owner, survey)
        db.session.commit()
        return built


def raw(built: Built, **answers) -> dict:
    """A raw form from readable answers: mode="Rad", wish=["Bäume"], scale=2, matrix={"Licht": 1} ..."""
    form: dict[str, list[str]] = {}
    for key, value in answers.items():
        qid = built.q[key]
        if key in ("mode", "wish"):
            values = value if isinstance(value, list) else [value]
            form[f"q{qid}"] = [str(built.o[f"{key}:{v}"]) for v in values]
        elif key == "matrix":
            for row, point in value.items():
                form[f"q{qid}_r{built.o['matrix:' + row]}"] = [str(point)]
        elif key == "rank":
            for option, rank in value.items():
                form[f"q{qid}_o{built.o['rank:' + option]}"] = [str(rank)]
        else:
            form[f"q{qid}"] = [str(value)]
    return form


def answer(
    app, built: Built, *, channel: str = "online", day: date | None = None, user_id=None, **answers
) -> str:
    """Store one response through the answering service (assisted entry unless a user answers)."""
    with app.app_context():
        survey = db.session.get(Survey, built.id)
        user = get_user(app, user_id) if user_id else None
        response = submit_response(
            survey, raw(built, **answers), user=user, channel=channel, assisted=user is None
        )
        if day is not None:
            db.session.execute(update(Response).where(Response.id == response.id).values(submitted_on=day))
        db.session.commit()
        return response.id


def close_and_publish(app, built: Built, *, published: bool = True) -> None:
    set_dates(app, built.id, closed=True)
    with app.app_context():
        db.session.get(Survey, built.id).results_published = published
        db.session.commit()
