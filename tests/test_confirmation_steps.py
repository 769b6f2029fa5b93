"""Safe irreversible actions (#11 item 6): every one asks first on a server-rendered page.

For each action: the first POST (valid token, valid fields) changes nothing at all (no row, no audit
entry, no notification, no mail) and renders a page that says what will happen and what cannot be
undone; submitting that page's form as a browser without JavaScript would does the action; a person
without the right gets 403/404 even with confirmed=1; a POST without CSRF token is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from participation.accounts.models import User
from participation.core.types import utcnow
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.models import ModerationItem
from participation.projects.models import Project
from participation.surveys import services as survey_services
from participation.surveys.models import Survey
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiRevision
from tests.conftest import ROLE_SETS, UserInfo, get_user, login, post
from tests.surveys.factories import every_type_survey
from tests.surveys.test_participation import answer

# --- helpers ----------------------------------------------------------------------------------------


def snapshot(app) -> dict[str, list]:
    """Every row of every table: audit entries and notifications are rows too."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return {
                table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
                for table in db.metadata.sorted_tables
            }


class _ConfirmForm(HTMLParser):
    """The confirmation page's form: its action and every input a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.action: str | None = None
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "confirm-actions" in (attributes.get("class") or ""):
            self.inside, self.action = True, attributes.get("action")
        elif tag == "input" and self.inside:
            self.fields.append((attributes["name"] or "", attributes.get("value") or ""))
        elif tag == "button" and self.inside:
            self.buttons.append(attributes.get("type") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def confirm_form(html: str) -> _ConfirmForm:
    parser = _ConfirmForm()
    parser.feed(html)
    assert parser.action, "no confirmation form on the page"
    return parser


def submit_confirmation(client, html: str):
    """Press the primary button of the confirmation page, as a browser without JavaScript would."""
    form = confirm_form(html)
    assert form.buttons == ["submit"]
    return client.post(form.action, data=MultiDict(form.fields))


def client_for(app, user: UserInfo):
    client = app.test_client()
    login(client, user)
    return client


# --- the actions --------------------------------------------------------------------------------------


@dataclass
class Case:
    """One irreversible action, set up and ready to post."""

    actor: UserInfo  # may do it
    outsider: UserInfo  # may not
    path: str
    data: dict[str, str]
    token_from: str
    done: Callable[[], bool]  # whether the action happened
    says: list[str]  # phrases the confirmation page must contain
    refused: tuple[int, ...] = (403,)
    carried: dict[str, str] = field(default_factory=dict)  # typed values kept as hidden fields


def _survey_case(app, make_user, kind: str) -> Case:
    planner = make_user(ROLE_SETS["planner"])
    survey = every_type_survey(app, planner.id, anonymous=True)
    base = f"/umfragen/verwaltung/{survey.id}"
    citizen = make_user()
    if kind != "delete":
        for person in (citizen, make_user()):
            assert answer(client_for(app, person), survey).status_code == 302

    def state() -> Survey:
        with app.app_context():
            row = db.session.get(Survey, survey.id)
            db.session.expunge_all()
            return row

    if kind == "close":
        return Case(
            planner,
            citizen,
            f"{base}/beenden",
            {},
            base,
            lambda: (row := state()) is not None and row.closed_at is not None,
            [
                "jetzt beenden?",
                "Bisher eingegangene Antworten",
                '<dd class="confirm-value">2</dd>',
                "kann niemand mehr antworten",
                "lässt sich nicht wieder öffnen",
            ],
        )
    if kind in ("results", "texts"):
        with app.app_context():
            row = db.session.get(Survey, survey.id)
            row.closed_at = utcnow() - timedelta(minutes=1)
            row.results_published = kind == "texts"
            # Sealed now, so the planner's next POST has nothing to seal: the first step writes nothing.
            survey_services.seal(row)
            db.session.commit()
        flag = "results_published" if kind == "results" else "texts_published"
        return Case(
            planner,
            citizen,
            f"{base}/ergebnisse",
            {"published": "1"} if kind == "results" else {"texts": "1"},
            base,
            lambda: bool(getattr(state(), flag)),
            ["für alle öffentlich sichtbar", "als offene Daten", "DCAT-AP.de", "nicht zurückholen"]
            if kind == "results"
            else ["wörtlich gezeigt", "personenbezogene Daten", "nicht zurückholen"],
            carried={"published": "1"} if kind == "results" else {"texts": "1"},
        )
    with app.app_context():
        db.session.get(Survey, survey.id).published_at = None  # a draft without responses
        db.session.commit()
    return Case(
        planner,
        citizen,
        f"{base}/loeschen",
        {},
        base,
        lambda: state() is None,
        ["löschen?", "allen Seiten, Fragen", "lässt sich nicht wiederherstellen"],
    )


def _project(app, slug: str) -> tuple[int, str]:
    """A project without comments: its id and slug."""
    with app.app_context():
        project = Project(
            slug=slug, title="Spielplatz Teststraße", summary="Ein Testvorhaben.", description=""
        )
        db.session.add(project)
        db.session.commit()
        return project.id, project.slug


def _exists(app, model, object_id: int) -> bool:
    with app.app_context():
        return db.session.get(model, object_id) is not None


def _comment_case(app, make_user) -> Case:
    project_id, slug = _project(app, "spielplatz-test")
    author, other = make_user(), make_user()
    with app.app_context():
        comment = Comment(
            project_id=project_id, author_id=author.id, body="Mein Text", body_html="<p>Mein Text</p>"
        )
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id

    def deleted() -> bool:
        with app.app_context():
            return db.session.get_one(Comment, comment_id).status == "deleted"

    path = f"/projekte/{slug}/kommentare/{comment_id}/loeschen"
    return Case(
        author,
        other,
        path,
        {},
        path,
        deleted,
        ["Kommentar löschen", "Mein Text", "Antworten anderer bleiben", "nicht wiederherstellen"],
    )


def _project_case(app, make_user) -> Case:
    project_id, slug = _project(app, "bruecke")
    path = f"/projekte/{slug}/loeschen"
    return Case(
        make_user(ROLE_SETS["planner"]),
        make_user(),
        path,
        {},
        path,
        lambda: not _exists(app, Project, project_id),
        ["löschen?", "Umfragen und Wiki-Seiten bleiben", "nicht wiederherstellen"],
    )


def _blocked(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get_one(User, user_id).blocked_at is not None


REASON = 'Beleidigungen "in Serie" & <b>mehr</b>\nZweite Zeile'


def _admin_block_case(app, make_user) -> Case:
    target = make_user(name="Bert Blockiert")
    # The admin page uses the moderation desk's sanction form (duration, category, reason).
    data = {"block-days": "7", "block-reason_code": "spam", "block-text": REASON}
    return Case(
        make_user(ROLE_SETS["admin"]),
        make_user(ROLE_SETS["moderator"]),
        f"/admin/benutzer/{target.id}/sperren",
        data,
        "/admin/",
        lambda: _blocked(app, target.id),
        ["Konto von Bert Blockiert sperren?", "sofort auf allen Geräten abgemeldet", "nicht mehr mitmachen"],
        carried=data,
    )


def _moderation_block_case(app, make_user) -> Case:
    target = make_user(name="Bert Blockiert")
    data = {"block-days": "7", "block-reason_code": "spam", "block-text": REASON}
    return Case(
        make_user(ROLE_SETS["admin"]),
        make_user(ROLE_SETS["moderator"]),
        f"/moderation/konto/{target.id}/sperren",
        data,
        f"/moderation/konto/{target.id}",
        lambda: _blocked(app, target.id),
        [
            "Konto von Bert Blockiert sperren?",
            "7 Tage, bis etwa",
            "Werbung oder Spam",
            "sofort auf allen Geräten abgemeldet",
            "Begründung",
        ],
        carried=data,
    )


def _pending_revision(app, make_user) -> tuple[int, int]:
    """A citizen's proposal for a new wiki page: the revision and its moderation queue item."""
    author = make_user(name="Anna Autorin")
    with app.test_request_context():
        revision = wiki_services.create_page(
            get_user(app, author.id), title="Freibad", body="Öffnet im Mai.", summary="Neu"
        )
        db.session.commit()
        revision_id = revision.id
        item = db.session.scalar(
            select(ModerationItem).where(
                ModerationItem.target_type == "wiki_revision", ModerationItem.target_id == revision_id
            )
        )
        assert item is not None
        return revision_id, item.id


def _rejected(app, revision_id: int) -> bool:
    with app.app_context():
        return db.session.get_one(WikiRevision, revision_id).state == "rejected"


def _queue_reject_case(app, make_user) -> Case:
    revision_id, item_id = _pending_revision(app, make_user)
    with app.app_context():
        version = str(db.session.get_one(ModerationItem, item_id).version)
    data = {"action": "reject", "reason_code": "spam", "text": REASON, "version": version}
    return Case(
        make_user(ROLE_SETS["moderator"]),
        make_user(ROLE_SETS["planner"]),
        f"/moderation/eintrag/{item_id}/entscheiden",
        data,
        f"/moderation/eintrag/{item_id}",
        lambda: _rejected(app, revision_id),
        ["Wiki-Änderung „Freibad“ ablehnen?", "Werbung oder Spam", "einmal Einspruch einlegen"],
        carried=data,
    )


CASES: dict[str, Callable] = {
    "survey-close": lambda app, make_user: _survey_case(app, make_user, "close"),
    "survey-results": lambda app, make_user: _survey_case(app, make_user, "results"),
    "survey-texts": lambda app, make_user: _survey_case(app, make_user, "texts"),
    "survey-delete": lambda app, make_user: _survey_case(app, make_user, "delete"),
    "comment-delete": _comment_case,
    "project-delete": _project_case,
    "admin-block": _admin_block_case,
    "moderation-block": _moderation_block_case,
    "queue-wiki-reject": _queue_reject_case,
}


@pytest.fixture(params=sorted(CASES))
def case(request, app, make_user) -> Case:
    return CASES[request.param](app, make_user)


# --- the tests ------------------------------------------------------------------------------------------


def test_first_post_only_asks_and_changes_nothing(app, case, mailbox):
    client = client_for(app, case.actor)
    mailbox.clear()
    before = snapshot(app)
    response = post(client, case.path, case.data, token_from=case.token_from)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert snapshot(app) == before
    assert mailbox.messages == []
    assert not case.done()
    # What happens and what cannot be undone, in words, with a real button and a way back.
    for phrase in (*case.says, "Was passiert", "Nicht rückgängig zu machen", "Ja, ", "Abbrechen"):
        assert phrase in html, phrase
    assert "confirm(" not in html and "onclick" not in html
    form = confirm_form(html)
    assert form.action == case.path
    assert ("confirmed", "1") in form.fields
    assert any(name.endswith("csrf_token") and value for name, value in form.fields)
    # What the person typed or chose travels on unchanged (and escaped: the parser read it back).
    for name, value in case.carried.items():
        assert (name, value) in form.fields, name


def test_confirmed_post_does_the_action_without_javascript(app, case):
    client = client_for(app, case.actor)
    first = post(client, case.path, case.data, token_from=case.token_from)
    assert not case.done()
    response = submit_confirmation(client, first.get_data(as_text=True))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert case.done()


def test_a_person_without_the_right_is_refused_even_when_confirmed(app, case, mailbox):
    client = client_for(app, case.outsider)
    mailbox.clear()
    before = snapshot(app)
    for data in (case.data, {**case.data, "confirmed": "1"}):
        response = post(client, case.path, data, token_from="/")
        assert response.status_code in case.refused
        assert "Was passiert" not in response.get_data(as_text=True)
    assert snapshot(app) == before and mailbox.messages == []


def test_csrf_token_is_required_on_both_steps(app, case):
    client = client_for(app, case.actor)
    before = snapshot(app)
    for data in (case.data, {**case.data, "confirmed": "1"}):
        assert client.post(case.path, data=data).status_code == 400
    assert snapshot(app) == before


def test_the_confirmation_page_speaks_english(app, case):
    client = client_for(app, case.actor)
    response = post(
        client, case.path, case.data, token_from=case.token_from, headers={"Accept-Language": "en"}
    )
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    for phrase in ("What happens", "Cannot be undone", "Cancel", "Yes, "):
        assert phrase in html, phrase


# --- form errors come first; pages that already asked on GET ------------------------------------------


@pytest.mark.parametrize(
    ("case_name", "data", "message"),
    [
        (
            "admin-block",
            {"block-days": "7", "block-reason_code": "spam", "block-text": "  "},
            "Bitte begründen Sie die Entscheidung für die betroffene Person.",
        ),
        (
            "moderation-block",
            {"block-days": "0", "block-reason_code": "spam", "block-text": "x"},
            "zwischen 1 und 365",
        ),
    ],
)
def test_invalid_form_shows_its_errors_and_no_confirmation(app, make_user, case_name, data, message):
    case = CASES[case_name](app, make_user)
    client = client_for(app, case.actor)
    before = snapshot(app)
    response = post(client, case.path, {**data, "confirmed": "1"}, token_from=case.token_from)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and "Was passiert" not in html
    assert snapshot(app) == before


@pytest.mark.parametrize("case_name", ["comment-delete", "project-delete"])
def test_get_shows_the_same_confirmation_and_its_form_does_the_action(app, make_user, case_name):
    case = CASES[case_name](app, make_user)
    client = client_for(app, case.actor)
    before = snapshot(app)
    page = client.get(case.path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and snapshot(app) == before
    for phrase in (*case.says, "Was passiert", "Nicht rückgängig zu machen"):
        assert phrase in html, phrase
    assert submit_confirmation(client, html).status_code == 302
    assert case.done()


def test_hiding_results_again_needs_no_confirmation(app, make_user):
    case = CASES["survey-results"](app, make_user)
    client = client_for(app, case.actor)
    first = post(client, case.path, case.data, token_from=case.token_from)
    submit_confirmation(client, first.get_data(as_text=True))
    assert case.done()
    response = post(client, case.path, {"published": "0"}, token_from=case.token_from)
    assert response.status_code == 302 and not case.done()


def test_a_survey_with_responses_is_refused_without_a_pointless_confirmation(app, make_user):
    planner = make_user(ROLE_SETS["planner"])
    survey = every_type_survey(app, planner.id)
    assert answer(client_for(app, make_user()), survey).status_code == 302
    client = client_for(app, planner)
    base = f"/umfragen/verwaltung/{survey.id}"
    response = post(client, f"{base}/loeschen", {}, token_from=base)
    assert response.status_code == 302
    assert _exists(app, Survey, survey.id)
    with app.app_context():
        assert survey_services.has_responses(db.session.get_one(Survey, survey.id))
