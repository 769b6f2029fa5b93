"""The load test's data, made through the app factory and the app's own services.

Accounts (one per named submission, one per comment-writing client), three surveys built alike
(named: log-in access, not anonymous; anonymous: open access; bare: the baseline's target, never
answered through the app), a project whose page carries many comments (the reads) and one that
receives the posted comments. Passwords are hashed cheaply (scrypt n=1024): logins happen before the
measured windows and only make the preparation faster.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, insert, select, text, update

from participation import create_app
from participation.accounts.models import Role, User
from participation.accounts.services import create_user
from participation.core.markup import render_markdown
from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.projects.services import create_project
from participation.surveys import services
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.questions import qtype

PASSWORD = "Lastprobe-Lindenpark-2026"
PLANNER = "planung@last.example"
READ_COMMENTS = 1_800  # the page: 1,809 comments in 50 threads
READ_THREADS = 50
BODIES = [
    "Ich finde den **Vorschlag** gut, aber die Radwege sollten breiter sein.",
    "Bitte mehr Bäume und Sitzbänke im Schatten.\n\n- Linden\n- Platanen",
    "Wie sieht es mit der Barrierefreiheit aus? Mehr dazu: https://www.musterstadt.example/plan",
    "> Die Stadt plant 2027 den Umbau.\n\nDas ist zu spät!",
]
# Answer columns the baseline copies from the template response (in this order).
ANSWER_COLUMNS = (
    "question_id", "option_id", "row_id", "value_number", "value_text", "value_date", "rank", "dont_know",
)  # fmt: skip


@dataclass
class Plan:
    """What the clients need: ids, form fields of a valid response, the accounts."""

    named_survey: int
    anonymous_survey: int
    bare_survey: int
    # field name -> values of one complete response, per survey (ids differ between the surveys)
    forms: dict[str, dict[str, list[str]]]
    # the free-text field that carries each request's token, per survey
    token_fields: dict[str, str]
    token_questions: dict[str, int]
    read_slug: str
    comment_slug: str
    comment_project: int
    named_emails: list[str] = field(default_factory=list)
    commenter_emails: list[str] = field(default_factory=list)
    # the baseline's answer rows: ANSWER_COLUMNS tuples, value_text None on the token question
    bare_rows: list[tuple] = field(default_factory=list)

    def submission(self, kind: str, csrf_token: str, token: str) -> dict[str, list[str] | str]:
        """The final POST of a complete response to survey `kind`, its free text carrying the token."""
        data: dict[str, list[str] | str] = {"csrf_token": csrf_token, **self.forms[kind], "action": "submit"}
        data[self.token_fields[kind]] = f"Lastprobe {token}"
        return data


def seed_app(database_url: str, secret_key: str, engine_options: dict | None = None):
    """The app on the benchmark's database, configured for seeding (cheap password hashes).

    The instances' secret key: what the app encrypts or signs with it, the seeding app reads back.
    """
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            **({"SQLALCHEMY_ENGINE_OPTIONS": engine_options} if engine_options else {}),
            "SECRET_KEY": secret_key,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "MAIL_SERVER": None,
        }
    )


def seed(app, named_accounts: int, commenters: int, *, read_comments: int = READ_COMMENTS) -> Plan:
    """Create the schema and everything the load needs (through seed_app's app); the plan for the clients."""
    with app.app_context():
        db.create_all()
        planner = create_user(PLANNER, "Petra Planung", PASSWORD, {Role.PLANNER})
        surveys = {
            "named": _survey(planner, "Lastprobe namentlich", access="account", anonymous=False),
            "anonymous": _survey(planner, "Lastprobe anonym", access="open", anonymous=True),
            "bare": _survey(planner, "Lastprobe Vergleich", access="open", anonymous=False),
        }
        forms, token_fields, token_questions = {}, {}, {}
        for kind, survey in surveys.items():
            forms[kind], token_fields[kind], token_questions[kind] = _form(survey)
        read = _project(planner, "lastprobe-lesen", "Lastprobe: Lesen")
        target = _project(planner, "lastprobe-kommentare", "Lastprobe: Kommentieren")
        named = [f"teilnahme{n}@last.example" for n in range(named_accounts)]
        for email in named:
            create_user(email, "Teilnahme", PASSWORD, set())
        writers = [f"kommentar{n}@last.example" for n in range(commenters)]
        for email in writers:
            create_user(email, "Kommentar", PASSWORD, set())
        # Older than a week: no new-account limit and no first-comments moderation distort the posting.
        db.session.execute(
            update(User).where(User.email.in_(writers)).values(created_at=utcnow() - timedelta(days=30))
        )
        _comments(read.id, [planner.id], read_comments)
        bare_rows = _bare_rows(surveys["bare"], forms["bare"], token_questions["bare"])
        db.session.commit()
        plan = Plan(
            named_survey=surveys["named"].id,
            anonymous_survey=surveys["anonymous"].id,
            bare_survey=surveys["bare"].id,
            forms=forms,
            token_fields=token_fields,
            token_questions=token_questions,
            read_slug=read.slug,
            comment_slug=target.slug,
            comment_project=target.id,
            named_emails=named,
            commenter_emails=writers,
            bare_rows=bare_rows,
        )
        db.session.remove()
    return plan


def _project(planner: User, slug: str, title: str) -> Project:
    return create_project(planner, {"slug": slug, "title": title, "summary": "Lastprobe", "description": ""})


def _survey(owner: User, title: str, *, access: str, anonymous: bool) -> Survey:
    """One page of the question kinds a real survey has (about 18 answer rows per response)."""
    survey = services.create_survey(owner, title=title, access=access, anonymous=anonymous)
    page = survey.pages[0]

    def add(kind, label, settings=None, options=(), rows=()):
        question = services.add_question(owner, page, kind, label, settings=settings or {})
        for option in options:
            services.add_option(owner, question, option)
        for row in rows:
            services.add_option(owner, question, row, kind="row")

    add("single", "Verkehrsmittel", options=("Rad", "Auto", "Bus", "Zu Fuß"))
    add("multiple", "Wünsche", options=("Bäume", "Bänke", "Licht", "Wege"))
    add("scale", "Zufriedenheit", {"scale_min": 1, "scale_max": 5})
    add("number", "Kilometer", {"decimal": True})
    add("yesno", "Wohnen Sie hier?")
    add("matrix", "Bewerten Sie", {"scale_min": 1, "scale_max": 5}, rows=("Licht", "Lärm", "Grün", "Wege"))
    add("ranking", "Ordnen Sie", options=("Grün", "Parken", "Markt"))
    add("short_text", "Ein Wort", {"max_length": 50})
    add("date", "Seit wann?")
    add("single", "Ortsteil", options=("Nord", "Süd", "Ost", "West", "Mitte"))
    add("number", "Alter")
    add("long_text", "Anmerkungen", {"max_length": 2000})
    services.publish(owner, survey)
    db.session.flush()
    return survey


def _form(survey: Survey) -> tuple[dict[str, list[str]], str, int]:
    """Form fields of one complete response (checked by the app's own evaluation) and the token field."""
    values: dict[str, list[str]] = {}
    token_field, token_question = "", 0
    for question in survey.questions:
        kind = qtype(question)
        options, rows, name, key = question.choices, question.rows, kind.name(question), question.qtype
        if key == "single":
            values[name] = [str(options[1].id)]
        elif key == "multiple":
            values[name] = [str(options[0].id), str(options[2].id)]
        elif key == "scale":
            values[name] = ["4"]
        elif key == "number":
            values[name] = ["12.5" if question.setting("decimal", False) else "42"]
        elif key == "yesno":
            values[name] = ["ja"]
        elif key == "matrix":
            for number, row in enumerate(rows):
                values[kind.row_name(question, row)] = [str(number % 5 + 1)]
        elif key == "ranking":
            for number, option in enumerate(options):
                values[kind.option_name(question, option)] = [str(number + 1)]
        elif key == "short_text":
            values[name] = ["Linden"]
        elif key == "date":
            values[name] = ["2019-05-01"]
        elif key == "long_text":
            token_field, token_question = name, question.id
            values[name] = ["Lastprobe bench-0000000000000000"]
    evaluation = services.evaluate(survey, values)
    if evaluation.errors:
        raise RuntimeError(f"the load test's answers do not fit survey {survey.title!r}: {evaluation.errors}")
    return values, token_field, token_question


def _bare_rows(survey: Survey, form: dict[str, list[str]], token_question: int) -> list[tuple]:
    """The answer rows the app stores for the form: submitted once through the service, read back, removed."""
    response = services.submit_response(survey, form)
    db.session.flush()
    answers = db.session.execute(
        select(*(getattr(Answer, column) for column in ANSWER_COLUMNS)).where(
            Answer.response_id == response.id
        )
    ).all()
    db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    db.session.execute(delete(Response).where(Response.id == response.id))
    return [
        tuple(None if row[0] == token_question and n == 4 else v for n, v in enumerate(row))
        for row in answers
    ]


def _comments(project_id: int, authors: list[int], size: int) -> None:
    """size comments in READ_THREADS threads, replies at varying depth; ids given, then the sequence set."""
    rng = random.Random(size)
    html = [str(render_markdown(body)) for body in BODIES]
    start = utcnow() - timedelta(days=60)
    first = (db.session.scalar(select(db.func.max(Comment.id))) or 0) + 1
    rows, members = [], {}
    for offset in range(size):
        comment_id = first + offset
        if offset < min(READ_THREADS, size):
            parent = root = None
            members[comment_id] = [comment_id]
        else:
            root = first + offset % min(READ_THREADS, size)
            parent = rng.choice(members[root][-8:])
            members[root].append(comment_id)
        body = rng.randrange(len(BODIES))
        rows.append(
            {
                "id": comment_id, "project_id": project_id, "parent_id": parent, "root_id": root,
                "author_id": rng.choice(authors), "body": BODIES[body], "body_html": html[body],
                "status": "published", "score": 0, "upvotes": 0, "downvotes": 0,
                "created_at": start + timedelta(minutes=offset * 7 + rng.randrange(7)),
            }
        )  # fmt: skip
    db.session.execute(insert(Comment), rows)
    # Ids were given explicitly: the sequence must continue after them, or the posted comments collide.
    db.session.execute(
        text("SELECT setval(pg_get_serial_sequence('comments', 'id'), (SELECT max(id) FROM comments))")
    )
