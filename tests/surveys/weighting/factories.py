"""A weighting test world: population figures, a survey asking district and age band, chosen answers;
and the weighted survey the weighting tests share, built from these in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert

from participation.accounts.models import User
from participation.analytics.csv_import import ParsedPopulation
from participation.analytics.services import store_version
from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Answer, Question, Response, Survey
from participation.surveys.models.responses import new_response_id
from participation.surveys.questions.base import answer_row
from participation.surveys.weighting import editing
from participation.surveys.weighting.models import WeightingSettings
from tests.conftest import ROLE_SETS, UserInfo, get_user

DISTRICTS = {"Nord": 6000, "Süd": 3000, "Ost": 1000}
AGES = {"18-39": 4000, "40-64": 4000, "65+": 2000}
DISTRICT_OPTIONS = ("Nord", "Süd", "Ost", "Sonstiges")
AGE_OPTIONS = ("18–39 Jahre", "40–64 Jahre", "65+ Jahre")
# Trimming bounds wide enough that no weight is trimmed: the raking solution is then unique.
WIDE_BOUNDS = (0.05, 20)

Groups = dict[tuple[str | None, str | None], int]


@dataclass
class World:
    survey_id: int
    district_q: int
    age_q: int
    other_q: int
    o: dict[str, int] = field(default_factory=dict)  # "district:Nord" / "age:18–39 Jahre" -> option id


def population(app, admin_id: int, districts=DISTRICTS, ages=AGES) -> None:
    """District × age band figures (independent: cell = district share × age count), made current."""
    with app.app_context():
        admin = get_user(app, admin_id)
        parsed = ParsedPopulation(("district", "age_band"))
        total = sum(districts.values())
        for district, size in districts.items():
            for band, count in ages.items():
                parsed.cells[(district, band, None)] = round(size * count / total)
        store_version(
            admin, parsed, source="Statistikamt Test", reference_date=date(2025, 12, 31), make_current=True
        )
        db.session.commit()


def weighting_survey(app, owner_id: int, title: str = "Gewichtet") -> World:
    """A published survey: district (with "Sonstiges"), age band, and an opinion question."""
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(owner, title=title, access="open", anonymous=True)
        page = survey.pages[0]
        questions = {}
        for key, text, labels in (
            ("district", "In welchem Bezirk wohnen Sie?", DISTRICT_OPTIONS),
            ("age", "Wie alt sind Sie?", AGE_OPTIONS),
            ("other", "Gefällt Ihnen der Plan?", ("Ja", "Nein")),
        ):
            question = services.add_question(owner, page, "single", text)
            questions[key] = question
            for label in labels:
                services.add_option(owner, question, label, is_other=label == "Sonstiges")
        services.publish(owner, survey)
        db.session.commit()
        world = World(survey.id, questions["district"].id, questions["age"].id, questions["other"].id)
        for key, question in questions.items():
            for option in question.choices:
                world.o[f"{key}:{option.label}"] = option.id
        return world


def add_responses(app, world: World, groups: Groups) -> None:
    """Responses per (district label, age label) with a count; None leaves that question unanswered."""
    with app.app_context():
        responses, answers = [], []
        for (district, age), count in groups.items():
            for _ in range(count):
                rid = new_response_id()
                responses.append(
                    {
                        "id": rid,
                        "survey_id": world.survey_id,
                        "channel": "online",
                        "via": "open",
                        "submitted_on": date(2026, 1, 5),
                    }
                )
                answers.append(
                    {
                        "response_id": rid,
                        "question_id": world.other_q,
                        **answer_row(option_id=world.o["other:Ja"]),
                    }
                )
                if district is not None:
                    answers.append(
                        {
                            "response_id": rid,
                            "question_id": world.district_q,
                            **answer_row(option_id=world.o[f"district:{district}"]),
                        }
                    )
                if age is not None:
                    answers.append(
                        {
                            "response_id": rid,
                            "question_id": world.age_q,
                            **answer_row(option_id=world.o[f"age:{age}"]),
                        }
                    )
        db.session.execute(insert(Response), responses)
        if answers:
            db.session.execute(insert(Answer), answers)
        db.session.commit()


def map_world(app, world: World, owner_id: int, *, enabled: bool = True, trim=(None, None)) -> None:
    """District and age band mapped as the labels suggest ("Sonstiges" not weighted), weighting on/off."""
    with app.app_context():
        owner = db.session.get(User, owner_id)
        survey = db.session.get(Survey, world.survey_id)
        district = db.session.get(Question, world.district_q)
        age = db.session.get(Question, world.age_q)
        editing.map_question(
            owner, survey, "district", district, {o.id: o.label for o in district.choices if not o.is_other}
        )
        bands = dict(zip(AGE_OPTIONS, AGES, strict=True))
        editing.map_question(owner, survey, "age_band", age, {o.id: bands[o.label] for o in age.choices})
        editing.switch_weighting(owner, survey, enabled)
        if trim != (None, None):
            settings = db.session.get(WeightingSettings, survey.id)
            settings.trim_lower, settings.trim_upper = trim
        db.session.commit()


@dataclass
class WeightedWorld(World):
    """A weighting World together with the planner who owns its survey (not logged in)."""

    planner: UserInfo = field(kw_only=True)


def answered_world(app, make_user, groups: Groups) -> WeightedWorld:
    """An admin's population figures; a planner's survey answered in `groups`, nothing mapped yet."""
    planner = make_user(ROLE_SETS["planner"])
    population(app, make_user(ROLE_SETS["admin"]).id)
    built = weighting_survey(app, planner.id)
    add_responses(app, built, groups)
    return WeightedWorld(**vars(built), planner=planner)


def weighted_world(
    app, make_user, groups: Groups, *, enabled: bool = True, trim=(None, None)
) -> WeightedWorld:
    """An answered_world with its questions mapped as the labels suggest, weighting on/off."""
    world = answered_world(app, make_user, groups)
    map_world(app, world, world.planner.id, enabled=enabled, trim=trim)
    return world
