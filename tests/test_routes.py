"""Checks over every route in app.url_map: role matrix, CSRF, headers, hosts, cookies, error pages."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from participation import create_app
from participation.accounts.models import User
from participation.analytics.models import PopulationCell, PopulationVersion
from participation.api import tokens as api_tokens
from participation.config import ConfigurationError
from participation.core.legal_texts import LEGAL_PAGE_SLUGS
from participation.discussions import services as discussions
from participation.extensions import db
from participation.moderation import appeals as moderation_appeals
from participation.moderation import services as moderation
from participation.moderation.models import ModerationItem, TargetType
from participation.notifications.models import Notification
from participation.projects import services as projects
from participation.surveys import services as survey_services
from participation.surveys.models import Condition, Survey
from participation.wiki import services as wiki
from tests.conftest import ROLE_SETS, TEST_PASSWORD, UserInfo, csrf_token, login, post
from tests.surveys.factories import two_page_survey

ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "admin")
BAD_TOKEN = "ungueltig.abc-123"
TRACEBACK_MARKERS = ("Traceback", 'File "')

# What a GET answers: one outcome per role.
OK, LOGIN, HOME, FORBIDDEN, MISSING, DENIED, BAD, NOT_ALLOWED, MOVED, DESK, UNAUTHORIZED = (
    "200", "login redirect", "redirect home", "403", "404", "403 or 404", "400 bad token", "405",
    "308 to the German address", "302 to the moderation desk", "401 problem+json",
)  # fmt: skip


def by_role(default: str, **roles: str) -> dict[str, str]:
    return {role: roles.get(role, default) for role in ROLES}


# Kinds of endpoint. The objects behind the URLs belong to someone other than the requesting user.
KINDS = {
    "public": by_role(OK),
    "guest": by_role(HOME, anonymous=OK),  # login and registration
    "account": by_role(OK, anonymous=LOGIN),  # any logged-in account, verified or not
    "participant": by_role(OK, anonymous=LOGIN, unverified=FORBIDDEN),  # a verified account
    "staff": by_role(OK, anonymous=LOGIN, unverified=FORBIDDEN, citizen=FORBIDDEN),
    "planner": by_role(FORBIDDEN, anonymous=LOGIN, planner=OK, admin=OK),
    "moderator": by_role(FORBIDDEN, anonymous=LOGIN, moderator=OK, admin=OK),
    # A moderation decision: the moderators and the person it concerns (test_owner_routes_...).
    "moderators-and-subject": by_role(FORBIDDEN, anonymous=LOGIN, moderator=OK, admin=OK),
    "admin": by_role(FORBIDDEN, anonymous=LOGIN, admin=OK),
    # Another planner's survey: only its planner (see test_owner_routes_open_for_the_owner) and admins.
    "survey-editor": by_role(FORBIDDEN, anonymous=LOGIN, admin=OK),
    # Someone else's comment or response: nobody but its owner, not even an admin.
    "owner": by_role(DENIED, anonymous=LOGIN),
    # Unpublished content does not even reveal that it exists.
    "reviewers-else-404": by_role(MISSING, moderator=OK, admin=OK),
    "editor-else-404": by_role(MISSING, admin=OK),
    "token": by_role(BAD),
    "post-only": by_role(NOT_ALLOWED),
    # An English alias of a German address: redirects everyone; the target checks the role.
    "moved": by_role(MOVED),
    # A pending wiki proposal: only its author withdraws it; reviewers see it (403), others do not (404).
    "proposal-author": by_role(MISSING, moderator=FORBIDDEN, admin=FORBIDDEN),
    # Results not public yet: a page saying so (403) for everyone but the planner and admins, visitors too.
    "results-editor": by_role(FORBIDDEN, admin=OK),
    # Not there for anyone: a receipt not sent from this browser or account, open data of unpublished results.
    "receipt": by_role(MISSING),
    # The API shows only what is public, to everyone alike (no session decides): else 404.
    "not-public-404": by_role(MISSING),
    # The wiki's old review addresses: reviewers are sent to the one decision screen, the desk.
    "to-desk": by_role(FORBIDDEN, anonymous=LOGIN, moderator=DESK, admin=DESK),
    # The raw-responses API answers only a planner token, never a session.
    "bearer": by_role(UNAUTHORIZED),
}
(PUBLIC, GUEST, ACCOUNT, PARTICIPANT, STAFF, PLANNER, MODERATOR, MODERATORS_AND_SUBJECT, ADMIN,
 SURVEY_EDITOR, OWNER, REVIEWERS_ELSE_404, EDITOR_ELSE_404, TOKEN, POST_ONLY, MOVED_KIND,
 PROPOSAL_AUTHOR, RESULTS_EDITOR, RECEIPT, NOT_PUBLIC_404, TO_DESK, BEARER) = KINDS  # fmt: skip
# Where each "moved" endpoint leads.
MOVED_TO = {"/admin/settings": "/admin/einstellungen"}

EXPECTED_KIND = {
    "core.home": PUBLIC,
    "core.legal_page": PUBLIC,
    "core.search": PUBLIC,
    "core.healthz": PUBLIC,
    "core.switch_language": POST_ONLY,
    "accounts.register": GUEST,
    "accounts.verify_email": TOKEN,
    "accounts.resend_verification": POST_ONLY,
    "accounts.login": GUEST,
    "accounts.logout": POST_ONLY,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": TOKEN,
    "accounts.profile": ACCOUNT,
    "accounts.change_password": ACCOUNT,
    "accounts.change_email": ACCOUNT,
    "accounts.confirm_email_change": TOKEN,
    "accounts.my_data": ACCOUNT,
    "accounts.download_data": ACCOUNT,
    "accounts.download_archive": ACCOUNT,
    "accounts.delete_account": ACCOUNT,
    "admin.index": ADMIN,
    "admin.users": ADMIN,
    "admin.user_detail": ADMIN,
    "admin.change_roles": POST_ONLY,
    "admin.block_user": POST_ONLY,
    "admin.unblock_user": POST_ONLY,
    "admin.audit_log": ADMIN,
    "admin.audit_log_csv": POST_ONLY,
    "admin.settings": ADMIN,
    "admin.settings_redirect": MOVED_KIND,  # /admin/settings, the address the issue names
    "admin.edit_legal_page": ADMIN,
    "notifications.index": ACCOUNT,
    "notifications.mark_read": POST_ONLY,
    "notifications.mark_all_read": POST_ONLY,
    "projects.index": PUBLIC,
    "projects.detail": PUBLIC,
    "projects.create": PLANNER,
    "projects.edit": PLANNER,
    "projects.delete": PLANNER,
    "discussions.permalink": PUBLIC,
    "discussions.create": PARTICIPANT,
    "discussions.report": PARTICIPANT,
    "discussions.edit": OWNER,
    "discussions.delete": OWNER,
    "discussions.vote": POST_ONLY,
    "discussions.hide": MODERATOR,
    "discussions.restore": MODERATOR,
    "discussions.revisions": MODERATOR,
    "surveys.survey_list": PUBLIC,
    "surveys.survey_detail": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.receipt_download": RECEIPT,
    "surveys.answer": PARTICIPANT,  # an open survey in account mode
    "surveys.my_responses": ACCOUNT,
    "surveys.response_detail": OWNER,
    "surveys.manage_list": STAFF,
    "surveys.assisted_entry": STAFF,  # Bürgerbüro and phone staff enter answers to open surveys
    "surveys.create": PLANNER,
    "surveys.import_limesurvey": PLANNER,
    "surveys.edit": SURVEY_EDITOR,
    "surveys.settings": SURVEY_EDITOR,
    "surveys.preview": SURVEY_EDITOR,
    "surveys.codes": SURVEY_EDITOR,
    "surveys.edit_page": SURVEY_EDITOR,
    "surveys.edit_question": SURVEY_EDITOR,
    "surveys.publish": POST_ONLY,
    "surveys.close": POST_ONLY,
    "surveys.toggle_results": POST_ONLY,
    "surveys.duplicate": POST_ONLY,
    "surveys.delete": POST_ONLY,
    "surveys.add_page": POST_ONLY,
    "surveys.delete_page": POST_ONLY,
    "surveys.add_question": POST_ONLY,
    "surveys.move_question": POST_ONLY,
    "surveys.delete_question": POST_ONLY,
    "surveys.add_option": POST_ONLY,
    "surveys.update_option": POST_ONLY,
    "surveys.add_question_condition": POST_ONLY,
    "surveys.add_page_condition": POST_ONLY,
    "surveys.delete_condition": POST_ONLY,
    "surveys.condition_mode": POST_ONLY,
    "surveys.results_page": RESULTS_EDITOR,  # while open; public once closed and published: EXTRA_CASES
    "surveys.results_texts": SURVEY_EDITOR,
    "surveys.results_crosstab": RESULTS_EDITOR,  # staff only in every state (public: no cross-table)
    "surveys.results_report": SURVEY_EDITOR,
    "surveys.results_report_pdf": SURVEY_EDITOR,
    "surveys.export_form": SURVEY_EDITOR,
    "surveys.export_file": POST_ONLY,  # a download of the rows is an action on record
    "surveys.weighting": SURVEY_EDITOR,  # mapping to the population figures, switch, bounds
    "surveys.weighting_switch": POST_ONLY,
    "wiki.index": PUBLIC,
    "wiki.page": PUBLIC,
    "wiki.history": PUBLIC,
    "wiki.revision": PUBLIC,  # an approved revision; a pending one: EXTRA_CASES
    "wiki.diff": PUBLIC,
    "wiki.create": PARTICIPANT,
    "wiki.edit": PARTICIPANT,
    "wiki.review_list": TO_DESK,
    "wiki.review": TO_DESK,
    "wiki.restore": POST_ONLY,
    "wiki.withdraw": POST_ONLY,
    "wiki.lock": POST_ONLY,
    "moderation.transparency": PUBLIC,
    "feeds.projects_feed": PUBLIC,
    "feeds.discussion_feed": PUBLIC,
    "feeds.wiki_feed": PUBLIC,
    "feeds.results_feed": PUBLIC,
    "opendata.catalog": PUBLIC,
    "analytics.population_index": PLANNER,
    "analytics.population_detail": PLANNER,
    "analytics.sample_csv": PLANNER,
    "analytics.upload": ADMIN,
    "analytics.make_current": POST_ONLY,
    "analytics_overview.overview": PLANNER,  # participation overview, aggregate figures only
    "analytics_overview.download": PLANNER,  # its tables as CSV/XLSX: a read, nothing recorded
    "api.documentation": PUBLIC,
    "api.openapi_document": PUBLIC,
    "api.project_list": PUBLIC,
    "api.project_detail": PUBLIC,
    "api.project_comments": PUBLIC,
    "api.survey_list": PUBLIC,
    "api.survey_detail": PUBLIC,
    "api.survey_results": NOT_PUBLIC_404,  # the World's survey is open; published results: EXTRA_CASES
    "api.wiki_list": PUBLIC,
    "api.wiki_detail": PUBLIC,
    "api.wiki_revisions": PUBLIC,
    "api.transparency": PUBLIC,
    "api.survey_responses": BEARER,
    "api.survey_response_file": BEARER,  # the export files for a planner token
    "api_tokens.index": PLANNER,
    "api_tokens.revoke": POST_ONLY,
    "opendata.dataset_jsonld": RECEIPT,  # the World's open survey has no open data: 404 for everyone
    "opendata.dataset_csv": RECEIPT,
    "moderation.queue": MODERATOR,
    "moderation.item": MODERATOR,
    "moderation.wiki_change": TO_DESK,  # a wiki change's number leads to its item on the desk
    "moderation.decide": POST_ONLY,
    "moderation.appeal": MODERATORS_AND_SUBJECT,
    "moderation.appeal_review": MODERATOR,
    "moderation.appeal_decide": POST_ONLY,
    "moderation.account": MODERATOR,
    "moderation.mute": POST_ONLY,
    "moderation.unmute": POST_ONLY,
    "moderation.block": POST_ONLY,
    "moderation.log": MODERATOR,
    "moderation.log_csv": POST_ONLY,  # the download goes on record
    "moderation.settings": ADMIN,
    "moderation.category_add": POST_ONLY,
    "moderation.category_change": POST_ONLY,
    "moderation.unblock": POST_ONLY,
}

# The same endpoint on an object in another state: (endpoint, URL parameter -> World attribute, kind).
EXTRA_CASES = [
    ("wiki.revision", {"revision_id": "pending_revision_id"}, REVIEWERS_ELSE_404),
    ("wiki.page", {"slug": "proposed_slug"}, REVIEWERS_ELSE_404),
    ("wiki.history", {"slug": "proposed_slug"}, REVIEWERS_ELSE_404),
    ("surveys.survey_detail", {"survey_id": "draft_survey_id"}, EDITOR_ELSE_404),
    ("surveys.thanks", {"survey_id": "draft_survey_id"}, EDITOR_ELSE_404),
    ("surveys.results_page", {"survey_id": "closed_survey_id"}, PUBLIC),
    ("surveys.results_crosstab", {"survey_id": "closed_survey_id"}, RESULTS_EDITOR),
    ("opendata.dataset_jsonld", {"survey_id": "closed_survey_id"}, PUBLIC),
    ("api.survey_results", {"survey_id": "closed_survey_id"}, PUBLIC),
    ("api.survey_detail", {"survey_id": "draft_survey_id"}, NOT_PUBLIC_404),  # no drafts, not even to editors
    ("opendata.dataset_csv", {"survey_id": "closed_survey_id"}, PUBLIC),
]

# Who owns the object behind an "owner" / "survey-editor" endpoint (a World attribute).
OWNER_OF = {
    "discussions": "comment_author",
    "surveys.response_detail": "respondent",
    "surveys": "survey_owner",
    "wiki": "wiki_author",  # the proposals in EXTRA_CASES
    "moderation": "comment_author",  # the decision to hide their comment
    "api_tokens": "survey_owner",  # the planner's own API token
}


# --- real objects behind every URL parameter --------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Ids of one object of every kind a URL names, each owned by someone other than the tested roles."""

    target: UserInfo
    notification_id: int
    project_slug: str
    project_id: int
    comment_author: UserInfo
    comment_id: int  # published, edited once (so it has an earlier version)
    hidden_comment_id: int
    survey_owner: UserInfo
    survey_id: int  # published, open, account mode, not anonymous
    page_id: int
    question_id: int
    option_id: int
    condition_id: int
    text_question_id: int
    draft_survey_id: int
    closed_survey_id: int  # closed, results published
    respondent: UserInfo
    response_id: str
    wiki_author: UserInfo
    wiki_slug: str
    wiki_page_id: int
    old_revision_id: int  # approved earlier, no longer current
    revision_id: int  # the current approved revision
    pending_revision_id: int  # wiki_author's proposal for the same page
    proposed_slug: str  # a new page wiki_author proposed; not yet published
    item_id: int  # an open moderation item: target's report on another of comment_author's comments
    decision_id: int  # a moderator hid a third comment of comment_author's
    appeal_id: int  # comment_author's appeal against that decision
    population_version_id: int  # a reference population an admin uploaded
    token_id: int  # survey_owner's API token for survey_id


@pytest.fixture
def world(app, make_user) -> World:
    """Every object a URL names (build_world)."""
    return build_world(app, make_user)


def build_world(app, make_user) -> World:
    """Build every object through the domains' own services, as the real users would."""
    target = make_user(name="Zielperson Mustermann")
    planner = make_user(ROLE_SETS["planner"], name="Paula Planerin")
    moderator = make_user(ROLE_SETS["moderator"], name="Moritz Moderation")
    author, respondent = make_user(name="Karla Kommentar"), make_user(name="Rita Rückmeldung")
    wiki_author = make_user(name="Willi Wiki")
    survey = two_page_survey(app, planner.id, anonymous=False)
    draft = two_page_survey(app, planner.id, publish=False)
    closed = two_page_survey(app, planner.id)
    with app.test_request_context():
        # Not get_user(): its expire_all() would drop changes not yet flushed.
        def person(info: UserInfo) -> User:
            return db.session.get(User, info.id)

        notification = Notification(user_id=target.id, kind="test", params={}, url="/")
        db.session.add(notification)
        project = projects.create_project(
            person(planner),
            {"title": "Spielplatz am Lindenpark", "slug": "spielplatz-lindenpark", "summary": "Neue Geräte."},
        )
        comment = discussions.post_comment(person(author), project, "Mehr Schatten, bitte.")
        discussions.edit_comment(person(author), project, comment, "Mehr Schatten und Bänke.")
        hidden = discussions.post_comment(person(author), project, "Ein Ausrutscher.")
        discussions.hide_comment(person(moderator), hidden, "Beleidigung", "beleidigung")
        first = wiki.create_page(
            person(planner), title="Bürgerbüro", body="Montags geöffnet.", summary="Erste Fassung"
        )
        page = first.page
        current = wiki.propose_edit(
            person(planner), page, title="Bürgerbüro", body="Montags und dienstags geöffnet.",
            summary="Dienstag", base_revision_id=first.id,
        )  # fmt: skip
        pending = wiki.propose_edit(
            person(wiki_author), page, title="Bürgerbüro", body="Auch samstags geöffnet.",
            summary="Samstag", base_revision_id=current.id,
        )  # fmt: skip
        proposal = wiki.create_page(
            person(wiki_author), title="Stadtbücherei", body="Neu am Markt.", summary="Neue Seite"
        )
        response = survey_services.submit_response(
            db.session.get(Survey, survey.id),
            {f"q{survey.q['cycle']}": [str(survey.o["nein"])]},
            user=person(respondent),
        )
        item_id, decision_id, appeal_id = moderated(person, project, author, target, moderator)
        closed_survey = db.session.get(Survey, closed.id)
        survey_services.close(person(planner), closed_survey)
        survey_services.set_results_published(person(planner), closed_survey, True)
        population = PopulationVersion(
            source="Statistikstelle Musterstadt", reference_date=date(2025, 12, 31), dimensions="gender",
            total=5, cells=[PopulationCell(gender="weiblich", count=5)],
        )  # fmt: skip
        db.session.add(population)
        token, _secret = api_tokens.create(
            person(planner), "Welt", [survey.id], datetime.now(UTC).date() + timedelta(days=30)
        )
        condition_id = db.session.scalar(select(Condition.id).where(Condition.page_id == survey.pages[1]))
        db.session.commit()
        built = World(
            target=target, notification_id=notification.id, project_slug=project.slug, project_id=project.id,
            comment_author=author, comment_id=comment.id, hidden_comment_id=hidden.id,
            survey_owner=planner, survey_id=survey.id, page_id=survey.pages[0], question_id=survey.q["cycle"],
            option_id=survey.o["ja"], condition_id=condition_id, text_question_id=survey.q["far"],
            draft_survey_id=draft.id, closed_survey_id=closed.id,
            respondent=respondent, response_id=response.id, wiki_author=wiki_author, wiki_slug=page.slug,
            wiki_page_id=page.id, population_version_id=population.id, token_id=token.id,
            old_revision_id=first.id, revision_id=current.id, pending_revision_id=pending.id,
            proposed_slug=proposal.page.slug, item_id=item_id, decision_id=decision_id, appeal_id=appeal_id,
        )  # fmt: skip
        db.session.remove()
    return built


def moderated(
    person, project, author: UserInfo, reporter: UserInfo, moderator: UserInfo
) -> tuple[int, int, int]:
    """Two reported comments: one waits in the queue, one was hidden and its author appealed."""
    ids = []
    for body in ("Das ist Unsinn.", "Das ist eine Beleidigung."):
        comment = discussions.post_comment(person(author), project, body)
        discussions.report(person(reporter), project, comment, "abuse", "Bitte prüfen")
        # Wiki proposals have queue items too, numbered independently: the target type tells them apart.
        item = select(ModerationItem.id).where(
            ModerationItem.target_type == TargetType.COMMENT, ModerationItem.target_id == comment.id
        )
        ids.append(db.session.scalar(item))
    item = db.session.get(ModerationItem, ids[1])
    decision = moderation.decide(
        person(moderator), item, item.version, "hide", "beleidigung", "Verstößt gegen Regel 2."
    )
    appeal = moderation_appeals.file_appeal(person(author), decision, "Das war keine Beleidigung.")
    return ids[0], decision.id, appeal.id


@dataclass(frozen=True)
class UrlValues:
    """Values per URL parameter, with per-endpoint overrides (e.g. `slug` is a legal page or a wiki page)."""

    common: dict[str, list]
    per_endpoint: dict[str, dict[str, list]]

    def for_endpoint(self, endpoint: str) -> dict[str, list]:
        return {**self.common, **self.per_endpoint.get(endpoint, {})}


@pytest.fixture
def url_values(world) -> UrlValues:
    """One real value per URL parameter (values_for)."""
    return values_for(world)


def values_for(world: World) -> UrlValues:
    """One real value per URL parameter (every legal page slug; both lock actions)."""
    legal = {"slug": list(LEGAL_PAGE_SLUGS)}
    pending = {"revision_id": [world.pending_revision_id]}
    return UrlValues(
        common={
            "user_id": [world.target.id], "notification_id": [world.notification_id], "token": [BAD_TOKEN],
            "project_slug": [world.project_slug], "comment_id": [world.comment_id],
            "survey_id": [world.survey_id], "page_id": [world.page_id], "question_id": [world.question_id],
            "option_id": [world.option_id], "condition_id": [world.condition_id],
            "response_id": [world.response_id], "slug": [world.wiki_slug],
            "revision_id": [world.revision_id], "action": ["sperren", "entsperren"],
            "item_id": [world.item_id], "decision_id": [world.decision_id], "appeal_id": [world.appeal_id],
            "project_id": [world.project_id], "wiki_page_id": [world.wiki_page_id],
            "version_id": [world.population_version_id], "token_id": [world.token_id],
        },
        per_endpoint={
            "core.legal_page": legal, "admin.edit_legal_page": legal,
            "discussions.restore": {"comment_id": [world.hidden_comment_id]},
            "wiki.review": pending, "wiki.withdraw": pending, "moderation.wiki_change": pending,
            "wiki.restore": {"revision_id": [world.old_revision_id]},
            "surveys.results_texts": {"question_id": [world.text_question_id]},
            "moderation.category_change": {"code": ["spam"]},
            "api.survey_response_file": {"fmt": ["csv-technisch", "xlsx"]},
            "analytics_overview.download": {"key": ["wochen", "antwortzeit"], "fmt": ["csv", "xlsx"]},
        },
    )  # fmt: skip


# --- routes from the URL map --------------------------------------------------------------------


def rules(app, method: str | None = None):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and (method is None or method in rule.methods)
    ]


def paths_for(app, rule, values: UrlValues) -> list[str]:
    """Every URL of a rule, filled with the given real values."""
    filled = values.for_endpoint(rule.endpoint)
    unknown = set(rule.arguments) - set(filled)
    assert not unknown, f"{rule.endpoint} {rule.rule}: add test values for URL parameters {unknown}"
    names = sorted(rule.arguments)
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **dict(zip(names, combo, strict=True)))
            for combo in itertools.product(*(filled[name] for name in names))
        ]


def all_paths(app, values: UrlValues, method: str | None = "GET") -> list[tuple[str, str]]:
    return [(rule.endpoint, path) for rule in rules(app, method) for path in paths_for(app, rule, values)]


def extra_path(app, world: World, endpoint: str, parameters: dict[str, str], values: UrlValues) -> str:
    """The endpoint's URL with some parameters taken from other World objects."""
    filled = {name: options[0] for name, options in values.for_endpoint(endpoint).items()}
    filled |= {name: getattr(world, attribute) for name, attribute in parameters.items()}
    (rule,) = [rule for rule in rules(app) if rule.endpoint == endpoint]
    with app.test_request_context():
        return url_for(endpoint, **{name: filled[name] for name in rule.arguments})


def fetch(client, path: str):
    """GET and read the whole body (downloads stream from a connection of their own until read)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def client_as(client, make_user, role: str):
    """The client, logged in as a new user of the role (nobody for "anonymous")."""
    if role == "unverified":
        login(client, make_user(verified=False))
    elif role != "anonymous":
        login(client, make_user(ROLE_SETS[role]))
    return client


@pytest.fixture
def as_role(client, make_user):
    def factory(role: str):
        return client_as(client, make_user, role)

    return factory


def db_snapshot(app) -> dict[str, list]:
    """Every row of every table, to prove a request changed nothing."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return {
                table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
                for table in db.metadata.sorted_tables
            }


# --- role matrix ---------------------------------------------------------------------------------


def test_expectation_table_covers_every_endpoint(app):
    endpoints = {rule.endpoint for rule in rules(app)}
    missing, stale = sorted(endpoints - set(EXPECTED_KIND)), sorted(set(EXPECTED_KIND) - endpoints)
    assert not missing, f"endpoints missing from EXPECTED_KIND: {', '.join(missing)}"
    assert not stale, f"EXPECTED_KIND names endpoints that no longer exist: {', '.join(stale)}"
    assert set(EXPECTED_KIND.values()) <= set(KINDS)
    for endpoint, _parameters, kind in EXTRA_CASES:
        assert endpoint in endpoints and kind in KINDS


def is_login_redirect(response, path: str) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == "/konto/anmelden"
        and parse_qs(location.query).get("next") == [path]
    )


def outcome_ok(outcome: str, path: str, response) -> bool:
    # Downloads (ZIP, PDF) are binary: decode leniently, the markers are all in the HTML pages.
    status, body = response.status_code, response.get_data().decode("utf-8", errors="replace")
    # The results' own refusals say why: not published yet, or only for the administration.
    forbidden = status == 403 and any(
        words in body for words in ("Kein Zugriff", "noch nicht veröffentlicht", "nur der Verwaltung")
    )
    # HTML pages say so in words; the API answers problem+json.
    missing = status == 404 and (
        "Seite nicht gefunden" in body or response.mimetype == "application/problem+json"
    )
    return {
        OK: status == 200,
        LOGIN: is_login_redirect(response, path),
        HOME: status == 302 and response.headers.get("Location") == "/",
        FORBIDDEN: forbidden,
        MISSING: missing,
        DENIED: forbidden or missing,
        BAD: status == 400 and "ungültig" in body,
        NOT_ALLOWED: status == 405 and "Aktion nicht erlaubt" in body,
        MOVED: status == 308 and response.headers.get("Location") == MOVED_TO.get(path),
        DESK: status == 302 and response.headers.get("Location", "").startswith("/moderation"),
        UNAUTHORIZED: status == 401 and response.mimetype == "application/problem+json",
    }[outcome]


def mismatch(endpoint: str, kind: str, role: str, path: str, response) -> str | None:
    """None when the answer is right for this kind of endpoint and role, else what was wrong."""
    if kind not in KINDS:
        return f"{endpoint}: add it to EXPECTED_KIND"
    expected = KINDS[kind][role]
    if outcome_ok(expected, path, response):
        return None
    got = f"{response.status_code} {response.headers.get('Location', '')}".strip()
    return f"{endpoint} ({kind}) {role} GET {path}: got {got}, expected {expected}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_every_get(app, as_role, world, url_values, role):
    client = as_role(role)
    gets = all_paths(app, url_values, method=None)
    cases = [(endpoint, EXPECTED_KIND.get(endpoint), path) for endpoint, path in gets]
    cases += [
        (endpoint, kind, extra_path(app, world, endpoint, parameters, url_values))
        for endpoint, parameters, kind in EXTRA_CASES
    ]
    problems = [
        problem
        for endpoint, kind, path in cases
        if (problem := mismatch(endpoint, kind, role, path, fetch(client, path)))
    ]
    assert problems == [], "\n".join(problems)


def owner_cases() -> list[tuple[str, dict[str, str]]]:
    """Endpoints only an object's owner may open, plus the unpublished objects of EXTRA_CASES."""
    owner_kinds = (OWNER, SURVEY_EDITOR, MODERATORS_AND_SUBJECT)
    owned = [(endpoint, {}) for endpoint, kind in EXPECTED_KIND.items() if kind in owner_kinds]
    hidden = (REVIEWERS_ELSE_404, EDITOR_ELSE_404)
    return owned + [(endpoint, parameters) for endpoint, parameters, kind in EXTRA_CASES if kind in hidden]


def owner_of(endpoint: str) -> str:
    return OWNER_OF.get(endpoint) or OWNER_OF[endpoint.split(".")[0]]


@pytest.mark.parametrize(
    ("endpoint", "parameters"),
    owner_cases(),
    ids=[endpoint + "".join(f"-{v}" for v in parameters.values()) for endpoint, parameters in owner_cases()],
)
def test_owner_routes_open_for_the_owner(app, client, world, url_values, endpoint, parameters):
    """The other side of the matrix: the refused routes do open for the one person they belong to."""
    login(client, getattr(world, owner_of(endpoint)))
    path = extra_path(app, world, endpoint, parameters, url_values)
    response = fetch(client, path)
    assert response.status_code == 200, f"{endpoint} {path}: {response.status_code}"


# --- page structure -------------------------------------------------------------------------------


class LandmarkScanner(HTMLParser):
    """Counts h1 headings and main landmarks, and finds the skip link and its target."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h1 = self.main = 0
        self.skip_targets: list[str] = []
        self.ids: set[str] = set()
        self._in_skip_link = False
        self.skip_text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        self.h1 += tag == "h1"
        self.main += tag == "main" or attributes.get("role") == "main"
        if tag == "a" and "skip-link" in (attributes.get("class") or "").split():
            self.skip_targets.append(attributes.get("href") or "")
            self._in_skip_link = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_skip_link = False

    def handle_data(self, data):
        if self._in_skip_link:
            self.skip_text += data


def structure_problems(html: str) -> list[str]:
    scanner = LandmarkScanner()
    scanner.feed(html)
    scanner.close()
    problems = []
    if scanner.h1 != 1:
        problems.append(f"{scanner.h1} <h1> elements")
    if scanner.main != 1:
        problems.append(f"{scanner.main} main landmarks")
    if len(scanner.skip_targets) != 1 or not scanner.skip_text.strip():
        problems.append(f"skip links: {scanner.skip_targets}")
    elif scanner.skip_targets[0].lstrip("#") not in scanner.ids or scanner.skip_targets[0] != "#main":
        problems.append(f"the skip link points at {scanner.skip_targets[0]!r}, not at the main landmark")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_one_h1_a_skip_link_and_a_main_landmark(app, as_role, world, url_values, role):
    """WCAG 2.4.1 / 1.3.1 on every HTML page of the GET matrix, error pages included."""
    client = as_role(role)
    paths = [path for _endpoint, path in all_paths(app, url_values, method=None)]
    paths += [
        extra_path(app, world, endpoint, parameters, url_values) for endpoint, parameters, _ in EXTRA_CASES
    ]
    problems, pages = [], 0
    for path in [*paths, "/gibt-es-nicht"]:
        response = fetch(client, path)
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue
        pages += 1
        found = structure_problems(response.get_data(as_text=True))
        problems += [f"{role} GET {path} ({response.status_code}): {problem}" for problem in found]
    assert pages > 10
    assert problems == [], "\n".join(problems)


# --- POST role matrix -------------------------------------------------------------------------------


def post_payload(world: World) -> dict[str, str]:
    """Form values that would pass most forms: a refused POST must fail on the role, not on the data."""
    return {
        "language": "en", "next": "/", "email": world.target.email, "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD, "current_password": TEST_PASSWORD, "display_name": "Geändert",
        "locale": "en", "confirm": "y", "remember": "y", "roles": "admin", "reason": "Ohne Berechtigung",
        "body": "Neu", "title": "Neu", "summary": "Neu", "slug": "neu", "text": "Neu", "value": "1",
        "version": "1", "published": "1", "direction": "up", "label": "Neu", "qtype": "yesno",
        "count": "5", "mode": "any", "operator": "answered", "source_id": str(world.question_id),
        "channel": "telefon", "action": "start", "page": str(world.page_id), "decision": "hide",
        "outcome": "upheld", "rule": "beleidigung", "days": "7", "note": "Neu",
    }  # fmt: skip


# What a POST with a valid CSRF token answers, as a KINDS key: OK there means "this role may do it"
# (the domain's own tests cover what then happens); every other outcome must change nothing.
EXPECTED_POST_KIND = {
    "core.switch_language": PUBLIC,
    "accounts.register": GUEST,
    "accounts.login": GUEST,
    "accounts.logout": PUBLIC,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": TOKEN,
    "accounts.resend_verification": ACCOUNT,
    "accounts.profile": ACCOUNT,
    "accounts.change_password": ACCOUNT,
    "accounts.change_email": ACCOUNT,
    "accounts.delete_account": ACCOUNT,
    "admin.change_roles": ADMIN,
    "admin.block_user": ADMIN,
    "admin.unblock_user": ADMIN,
    "admin.edit_legal_page": ADMIN,
    "notifications.mark_read": OWNER,  # someone else's notification
    "notifications.mark_all_read": ACCOUNT,  # one's own
    "projects.create": PLANNER,
    "projects.edit": PLANNER,
    "projects.delete": PLANNER,
    "discussions.create": PARTICIPANT,
    "discussions.vote": PARTICIPANT,
    "discussions.report": PARTICIPANT,
    "discussions.edit": OWNER,
    "discussions.delete": OWNER,
    "discussions.hide": MODERATOR,
    "discussions.restore": MODERATOR,
    "surveys.answer": PARTICIPANT,
    "surveys.assisted_entry": STAFF,
    "surveys.create": PLANNER,
    "surveys.import_limesurvey": PLANNER,
    "surveys.settings": SURVEY_EDITOR,
    "surveys.preview": SURVEY_EDITOR,
    "surveys.codes": SURVEY_EDITOR,
    "surveys.edit_page": SURVEY_EDITOR,
    "surveys.edit_question": SURVEY_EDITOR,
    "surveys.publish": SURVEY_EDITOR,
    "surveys.close": SURVEY_EDITOR,
    "surveys.toggle_results": SURVEY_EDITOR,
    "surveys.duplicate": SURVEY_EDITOR,
    "surveys.delete": SURVEY_EDITOR,
    "surveys.add_page": SURVEY_EDITOR,
    "surveys.delete_page": SURVEY_EDITOR,
    "surveys.add_question": SURVEY_EDITOR,
    "surveys.move_question": SURVEY_EDITOR,
    "surveys.delete_question": SURVEY_EDITOR,
    "surveys.add_option": SURVEY_EDITOR,
    "surveys.update_option": SURVEY_EDITOR,
    "surveys.add_question_condition": SURVEY_EDITOR,
    "surveys.add_page_condition": SURVEY_EDITOR,
    "surveys.delete_condition": SURVEY_EDITOR,
    "surveys.condition_mode": SURVEY_EDITOR,
    "surveys.export_file": SURVEY_EDITOR,
    "surveys.weighting": SURVEY_EDITOR,
    "surveys.weighting_switch": SURVEY_EDITOR,
    "wiki.create": PARTICIPANT,
    "wiki.edit": PARTICIPANT,
    "wiki.restore": MODERATOR,
    "wiki.lock": MODERATOR,
    "wiki.withdraw": PROPOSAL_AUTHOR,
    "moderation.decide": MODERATOR,
    "moderation.appeal": OWNER,  # only the person the decision concerns files an appeal
    "moderation.appeal_decide": MODERATOR,
    "moderation.mute": MODERATOR,
    "moderation.unmute": MODERATOR,
    "moderation.block": ADMIN,
    "moderation.settings": ADMIN,
    "moderation.log_csv": MODERATOR,
    "analytics.upload": ADMIN,
    "analytics.make_current": ADMIN,
    "api_tokens.index": PLANNER,
    "api_tokens.revoke": OWNER,  # someone else's token: 404 for planners and admins, 403 for others
    "admin.audit_log_csv": ADMIN,
    "moderation.category_add": ADMIN,
    "moderation.category_change": ADMIN,
    "moderation.unblock": ADMIN,
}


def test_post_expectation_table_covers_every_post_endpoint(app):
    endpoints = {rule.endpoint for rule in rules(app, "POST")}
    missing = sorted(endpoints - set(EXPECTED_POST_KIND))
    stale = sorted(set(EXPECTED_POST_KIND) - endpoints)
    assert not missing, f"POST endpoints missing from EXPECTED_POST_KIND: {', '.join(missing)}"
    assert not stale, f"EXPECTED_POST_KIND names endpoints without POST: {', '.join(stale)}"
    assert set(EXPECTED_POST_KIND.values()) <= set(KINDS) - {POST_ONLY, MOVED_KIND}


def post_with_token(client, path: str, payload: dict[str, str]):
    """POST with the session's CSRF token; the body is read and the response closed."""
    response = client.post(path, data={"csrf_token": csrf_token(client, "/"), **payload})
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_every_post(app, as_role, world, url_values, role):
    """Refused POSTs (valid CSRF token, plausible data) are answered by role and change no row."""
    client = as_role(role)
    payload = post_payload(world)
    problems, refused = [], 0
    for endpoint, path in all_paths(app, url_values, method="POST"):
        kind = EXPECTED_POST_KIND.get(endpoint)
        if kind not in KINDS:
            problems.append(f"{endpoint}: add it to EXPECTED_POST_KIND")
            continue
        expected = KINDS[kind][role]
        if expected == OK:
            if role == "anonymous":
                # Login, registration, reset request, language, logout: open to everyone, never a 500.
                # A fresh client each time, so a successful login does not leak into the next request.
                response = post_with_token(app.test_client(), path, payload)
                if response.status_code >= 500:
                    problems.append(f"{endpoint} anonymous POST {path}: {response.status_code}")
            continue  # the role may do it: the domain's own tests check the effect
        refused += 1
        before = db_snapshot(app)
        response = post_with_token(client, path, payload)
        if not outcome_ok(expected, path, response):
            got = f"{response.status_code} {response.headers.get('Location', '')}".strip()
            problems.append(f"{endpoint} ({kind}) {role} POST {path}: got {got}, expected {expected}")
        if db_snapshot(app) != before:
            problems.append(f"{endpoint} ({kind}) {role} POST {path}: the database changed")
    assert refused, "no refused POST was tried"
    assert problems == [], "\n".join(problems)


# --- CSRF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_post_without_csrf_token_is_refused_and_changes_nothing(
    app, as_role, world, url_values, mailbox, role
):
    client = as_role(role)
    payload = post_payload(world)
    before = db_snapshot(app)
    posts = all_paths(app, url_values, method="POST")
    assert {endpoint for endpoint, _path in posts} >= {"core.switch_language", "accounts.logout"}
    for _endpoint, path in posts:
        response = client.post(path, data=payload)
        assert response.status_code == 400, path
        assert "Ungültige Anfrage" in response.get_data(as_text=True), path
    assert db_snapshot(app) == before
    assert mailbox.messages == []
    # The language did not switch; the admin is still logged in, the anonymous client still is not.
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)
    profile = client.get("/konto/")
    assert profile.status_code == (200 if role == "admin" else 302)


# --- security headers -----------------------------------------------------------------------------


def assert_security_headers(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], what
    assert directives.get("frame-ancestors") == ["'none'"], what
    assert directives.get("form-action") == ["'self'"], what
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") == "same-origin", what


@pytest.mark.parametrize("role", ["anonymous", "citizen", "admin"])
def test_security_headers_on_every_get_response(app, as_role, url_values, role):
    client = as_role(role)
    statuses = set()
    for _endpoint, path in [*all_paths(app, url_values, method=None), ("-", "/gibt-es-nicht")]:
        response = fetch(client, path)
        statuses.add(response.status_code)
        assert_security_headers(response, f"{role} {path} {response.status_code}")
    assert {200, 400, 404, 405, {"anonymous": 302, "citizen": 403, "admin": 200}[role]} <= statuses


def test_security_headers_on_static_files(app, client):
    static = Path(app.static_folder)
    files = [p for p in static.rglob("*") if p.is_file()]
    assert files
    for file in files:
        response = client.get("/static/" + file.relative_to(static).as_posix())
        assert response.status_code == 200
        assert_security_headers(response, str(file))
        response.close()


# --- no other hosts, nothing CSP would block -----------------------------------------------------

URL_ATTRIBUTES = {
    "src", "href", "action", "srcset", "poster", "data", "formaction", "cite", "background", "ping",
}  # fmt: skip


class PageScanner(HTMLParser):
    """Collects URL-bearing attribute values and everything a strict CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self.problems: list[str] = []
        self._raw_tag: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            elif name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
            elif name in URL_ATTRIBUTES and value is not None:
                if name == "srcset":
                    self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
                else:
                    self.urls.append(value)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes.get("href") or "")
        if tag in ("script", "style"):
            self._raw_tag = tag

    def handle_endtag(self, tag):
        if tag == self._raw_tag:
            self._raw_tag = None

    def handle_data(self, data):
        if self._raw_tag and data.strip():
            self.problems.append(f"inline <{self._raw_tag}> content: {data.strip()[:60]!r}")


def is_same_host(url: str) -> bool:
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "localhost"


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_pages_load_nothing_from_other_hosts_and_nothing_inline(app, as_role, url_values, role):
    client = as_role(role)
    stylesheets, pages = set(), 0
    for _endpoint, path in [*all_paths(app, url_values, method=None), ("-", "/gibt-es-nicht")]:
        response = fetch(client, path)
        if response.mimetype != "text/html":
            continue
        pages += 1
        scanner = PageScanner()
        scanner.feed(response.get_data(as_text=True))
        scanner.close()
        assert scanner.problems == [], path
        assert [url for url in scanner.urls if not is_same_host(url)] == [], path
        stylesheets.update(scanner.stylesheets)
    assert pages > 10 and stylesheets
    for href in stylesheets:
        response = client.get(href)
        css = response.get_data(as_text=True)
        response.close()
        for marker in ("url(", "@import"):
            for chunk in css.split(marker)[1:]:
                reference = chunk.split(")")[0].split(";")[0].strip(" '\"")
                assert is_same_host(reference) or reference.startswith("data:"), (href, reference)


# --- cookies and production settings ---------------------------------------------------------------


def cookie_header(response, name: str) -> str:
    found = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[-1]


def cookie_flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client, make_user):
    flags = cookie_flags(cookie_header(client.get("/konto/anmelden"), "session"))
    assert {"httponly", "samesite=lax"} <= flags
    assert "secure" not in flags  # development over plain http still works
    response = login(client, make_user(), remember=True)
    assert {"httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "session"))
    assert {"httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "remember_token"))


@pytest.fixture
def restore_root_logging():
    """create_app() configures logging outside tests; keep pytest's handlers in place."""
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]


def test_production_settings_mark_cookies_secure(monkeypatch, tmp_path, restore_root_logging):
    monkeypatch.setenv("PARTICIPATION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.delenv("SERVER_NAME", raising=False)
    production = create_app()
    with production.app_context():
        db.create_all()  # its own database: the start page reads projects, surveys, ...
    response = production.test_client().get("/", base_url="https://localhost")
    assert response.status_code == 200
    assert {"secure", "httponly", "samesite=lax"} <= cookie_flags(cookie_header(response, "session"))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    with production.app_context():
        db.engine.dispose()


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTICIPATION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite"})


# --- German error pages -------------------------------------------------------------------------


def _too_many_requests(client):
    for _ in range(10):
        response = post(
            client, "/konto/passwort-vergessen", {"email": "kein-konto"}, token_from="/konto/anmelden"
        )
        if response.status_code == 429:
            return response
    return response


ERROR_CASES = {
    404: ("Seite nicht gefunden", lambda c: c.get("/gibt-es-nicht")),
    405: ("Aktion nicht erlaubt", lambda c: c.get("/konto/abmelden")),
    400: ("Ungültige Anfrage", lambda c: c.post("/konto/anmelden", data={"email": "a@example.org"})),
    403: ("Kein Zugriff", lambda c: c.get("/admin/")),
    413: ("Eingabe zu groß", lambda c: c.post("/sprache", data={"language": "x" * (5 * 1024 * 1024)})),
    429: ("Zu viele Versuche", _too_many_requests),
}


def assert_no_traceback(body: str) -> None:
    for marker in TRACEBACK_MARKERS:
        assert marker not in body


@pytest.mark.parametrize("code", sorted(ERROR_CASES))
def test_error_pages_are_german_without_traceback(client, logged_in, code):
    title, make_request = ERROR_CASES[code]
    if code == 403:
        logged_in("citizen")
    response = make_request(client)
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert f"<h1>{title}</h1>" in body
    assert '<html lang="de">' in body
    assert_no_traceback(body)


@pytest.fixture
def crashing_app(tmp_path, restore_root_logging):
    """A non-testing app (so the real 500 handler runs) with one route that fails."""
    application = create_app(
        {
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/crash.sqlite",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
        }
    )

    def explode():
        raise RuntimeError("geheimes Detail /srv/app/secret.py")

    application.add_url_rule("/kaputt", "explode", explode)
    with application.app_context():
        db.create_all()  # the error page's layout may read settings like any other page
    yield application
    with application.app_context():
        db.engine.dispose()


def test_unexpected_error_shows_german_500_page(crashing_app, caplog):
    response = crashing_app.test_client().get("/kaputt")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Interner Fehler</h1>" in body
    assert "geheimes Detail" not in body and "RuntimeError" not in body
    assert_no_traceback(body)
    assert_security_headers(response, "500")
    assert "geheimes Detail" in caplog.text  # the operator still gets the details in the log


def test_unexpected_error_page_follows_accept_language_english(crashing_app):
    response = crashing_app.test_client().get("/kaputt", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="en">' in body
    assert "Interner Fehler" not in body, "no English catalog: the 500 page stays German"
    assert re.search(r"<h1>[^<]*\berror\b[^<]*</h1>", body, re.IGNORECASE), body
    assert_no_traceback(body)
