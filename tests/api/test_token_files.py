"""Planner tokens and the export files (#16 item 2): the export page's formats through the API, the
same bytes as the download, each use audit-logged, refused before any work (100,000 responses)."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pyreadstat
import pytest
from sqlalchemy import select, update

from participation.api.models import ApiToken
from participation.core.models import AuditLogEntry
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.exports.views import FORMATS
from tests.api.conftest import Bulk
from tests.api.test_tokens import PAGE, audit_count, bearer, create_token, owned  # noqa: F401
from tests.conftest import count_queries, login, post
from tests.surveys.results_factories import results_survey

ZIPPED = ("xlsx", "ods")


def download(client, survey_id: int, fmt: str):
    """The file from the export page (default options), as a planner downloads it."""
    response = post(client, f"/umfragen/verwaltung/{survey_id}/export/datei?format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sav_frame(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "antworten.sav"
        path.write_bytes(data)
        frame, meta = pyreadstat.read_sav(str(path))
    return frame, meta.column_names, meta.variable_value_labels


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_format_is_the_downloads_file(app, client, owned, fmt):  # noqa: F811
    """Same media type, file name and content as the export page's download with default options."""
    secret = create_token(client, [owned.id])
    mine = client.get(f"/api/v1/surveys/{owned.id}/responses/{fmt}", headers=bearer(secret))
    theirs = download(client, owned.id, fmt)
    assert mine.status_code == 200
    assert mine.mimetype == theirs.mimetype
    assert mine.headers["Content-Disposition"] == theirs.headers["Content-Disposition"]
    assert mine.headers["Cache-Control"] == "private, no-store"
    if fmt in ZIPPED:
        assert zip_members(mine.data) == zip_members(theirs.data)
    elif fmt == "sav":
        frame, names, labels = sav_frame(mine.data)
        their_frame, their_names, their_labels = sav_frame(theirs.data)
        assert names == their_names and labels == their_labels and frame.equals(their_frame)
        assert len(frame) == 5
    else:
        assert mine.data == theirs.data
    with app.app_context():
        entry = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "api.token_used")
        ).one()
        assert entry.actor_id == owned_planner(app, owned.id)
        assert fmt in str(entry.details)


def owned_planner(app, survey_id: int) -> int:
    from tests.api.test_tokens import owned_planner_id  # reason: one helper, defined there

    return owned_planner_id(app, survey_id)


def test_technical_csv_file_holds_the_json_endpoints_rows(client, owned):  # noqa: F811
    """The technical CSV through the API has exactly the rows the JSON endpoint pages through."""
    secret = create_token(client, [owned.id])
    file = client.get(f"/api/v1/surveys/{owned.id}/responses/csv-technisch", headers=bearer(secret))
    page = client.get(f"/api/v1/surveys/{owned.id}/responses?limit=100", headers=bearer(secret)).json
    lines = file.data.decode().splitlines()
    assert len(lines) == 1 + len(page["items"]) == 6
    assert [line.split(",")[0] for line in lines[1:]] == [row[0] for row in page["items"]]


def test_file_token_lifecycle_scope_expiry_revocation(app, client, owned):  # noqa: F811
    """A file format answers the token's survey only; expired and revoked tokens get 401 problem+json."""
    secret = create_token(client, [owned.id])
    url = f"/api/v1/surveys/{owned.id}/responses/xlsx"
    assert client.get(url, headers=bearer(secret)).status_code == 200
    assert audit_count(app, "api.token_used") == 1

    other = results_survey(app, owned_planner(app, owned.id))
    scoped = client.get(f"/api/v1/surveys/{other.id}/responses/xlsx", headers=bearer(secret))
    assert scoped.status_code == 403 and scoped.mimetype == "application/problem+json"
    assert scoped.json["title"] == "Kein Zugriff"
    english = client.get(url, headers={"Accept-Language": "en"})
    assert english.status_code == 401 and english.json["title"] != "Nicht angemeldet"

    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = client.get(url, headers=bearer(secret))
    assert expired.status_code == 401 and expired.mimetype == "application/problem+json"
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() + timedelta(days=1)))
        db.session.commit()
        token_id = db.session.scalars(select(ApiToken.id)).one()
    assert post(client, f"{PAGE}{token_id}/widerrufen", token_from=PAGE).status_code == 302
    revoked = client.get(url, headers=bearer(secret))
    assert revoked.status_code == 401 and revoked.headers["WWW-Authenticate"].startswith("Bearer")
    assert audit_count(app, "api.token_used") == 1  # refusals are not uses
    unknown = client.get(f"/api/v1/surveys/{owned.id}/responses/pdf", headers=bearer(secret))
    assert unknown.status_code == 401  # the token is checked before the format


def test_unknown_format_with_a_valid_token_is_404_problem(client, owned):  # noqa: F811
    secret = create_token(client, [owned.id])
    missing = client.get(f"/api/v1/surveys/{owned.id}/responses/pdf", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_sav_too_large_is_a_problem_not_a_file(client, owned, monkeypatch):  # noqa: F811
    """Above the SPSS cap the API says so (422 problem+json) before it reads or logs anything."""
    monkeypatch.setattr("participation.api.response_files.sav_fits", lambda survey, options: False)
    secret = create_token(client, [owned.id])
    refused = client.get(f"/api/v1/surveys/{owned.id}/responses/sav", headers=bearer(secret))
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "technische CSV" in refused.json["detail"]


@pytest.mark.parametrize("path", ["responses", "responses/csv-technisch", "responses/sav"])
def test_refusal_before_work_on_100000_responses(app, client, planner, make_user, path):
    """Unauthorised requests for a survey of 100,000 responses: only the token lookup, under 50 ms."""
    built = results_survey(app, planner.id)
    Bulk(app, make_user().id).responses(built.id, 100_000)
    login(client, planner)
    secret = create_token(client, [results_survey(app, planner.id).id])
    expired = create_token_expired(app, planner, built.id)
    url = f"/api/v1/surveys/{built.id}/{path}"
    stranger = app.test_client()  # no session: the API answers tokens only
    for headers, status in ((None, 401), (bearer(secret), 403), (bearer(expired), 401)):
        stranger.get(url, headers=headers)  # warm: routing and the limiter are set up once
        with app.app_context():
            with count_queries(db.engine) as statements:
                response = stranger.get(url, headers=headers)
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
        # The median of five: one request on a busy two-core machine can wait for the CPU.
        elapsed = sorted(_timed(stranger, url, headers) for _ in range(5))[2]
        assert elapsed < 0.05, f"{path} {status}: {elapsed * 1000:.1f} ms"
        assert len(statements) <= 1 and all("api_tokens" in s for s in statements), statements


def _timed(client, url: str, headers) -> float:
    started = time.perf_counter()
    client.get(url, headers=headers)
    return time.perf_counter() - started


def create_token_expired(app, planner, survey_id: int) -> str:
    """A token for the survey that expired a second ago."""
    from participation.api import tokens  # reason: created directly, the page only makes future ones
    from tests.conftest import get_user  # reason: as above

    with app.app_context():
        token, secret = tokens.create(
            get_user(app, planner.id), "Alt", [survey_id], utcnow().date() + timedelta(days=1)
        )
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    return secret


@pytest.fixture
def weighted(app, client, make_user):
    """A survey with weighting switched on (the weighting tests' world), its planner logged in."""
    from tests.surveys.test_weighted_exports import GROUPS  # reason: only this fixture needs them
    from tests.surveys.weighting.factories import WIDE_BOUNDS, weighted_world  # reason: as above

    built = weighted_world(app, make_user, GROUPS, trim=WIDE_BOUNDS)
    login(client, built.planner)
    return built


@pytest.mark.parametrize("fmt", ["csv-technisch", "codebuch", "xlsx"])
def test_weighted_survey_files_and_rows_carry_the_weight_like_the_download(client, weighted, fmt):
    """Weighting on: the API's files and JSON rows have the download's weight column."""
    secret = create_token(client, [weighted.survey_id])
    mine = client.get(f"/api/v1/surveys/{weighted.survey_id}/responses/{fmt}", headers=bearer(secret))
    theirs = download(client, weighted.survey_id, fmt)
    if fmt in ZIPPED:
        assert zip_members(mine.data) == zip_members(theirs.data)
    else:
        assert mine.data == theirs.data
    if fmt == "csv-technisch":
        page = client.get(
            f"/api/v1/surveys/{weighted.survey_id}/responses?limit=100", headers=bearer(secret)
        ).json
        assert any("gewicht" in column for column in page["columns"])
        lines = theirs.data.decode().splitlines()
        assert len(page["items"]) == len(lines) - 1
