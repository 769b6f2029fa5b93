"""The API's HTTP conventions: ETag/304, CORS for reads only, problem+json in German and English, 429."""

from __future__ import annotations

import json

import pytest

from participation.extensions import db
from participation.projects.models import Project
from tests.api.conftest import Bulk

LIST_PATHS = ["/api/v1/projects", "/api/v1/surveys", "/api/v1/wiki", "/api/v1/transparency"]


@pytest.mark.parametrize("path", LIST_PATHS + ["/api/v1/openapi.json"])
def test_every_resource_has_an_etag_and_answers_304_when_it_matches(client, bulk: Bulk, path):
    bulk.projects(3)
    bulk.surveys(2)
    bulk.wiki(2)
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_detail_resources_have_etags_that_change_with_the_content(app, client, bulk: Bulk):
    (project_id,) = bulk.projects(1)
    url = f"/api/v1/projects/{project_id}"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    bulk.comments(project_id, 1)  # the project itself is unchanged
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        db.session.get(Project, project_id).title = "Neuer Titel"
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["title"] == "Neuer Titel"


def test_cors_allows_any_site_to_read_without_credentials_and_nothing_else(client, bulk: Bulk):
    bulk.projects(1)
    read = client.get("/api/v1/projects", headers={"Origin": "https://stadt.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in read.headers
    assert read.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    preflight = client.options("/api/v1/projects", headers={"Origin": "https://stadt.example"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    for method in ("post", "put", "delete", "patch"):
        refused = getattr(client, method)("/api/v1/projects", headers={"Origin": "https://stadt.example"})
        assert refused.status_code == 405
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert refused.mimetype == "application/problem+json"
    # The rest of the site is not opened to other sites.
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


@pytest.mark.parametrize(
    ("path", "status", "german", "english"),
    [
        ("/api/v1/projects/999999", 404, "Nicht gefunden", "Not found"),
        ("/api/v1/gibt-es-nicht", 404, "Nicht gefunden", "Not found"),
        ("/api/v1/projects?limit=101", 400, "„limit“ muss eine ganze Zahl von 1 bis 100 sein.", "1 to 100"),
        ("/api/v1/projects?cursor=kaputt", 400, "„cursor“ ist ungültig", "“cursor” is invalid"),
        ("/api/v1/projects?phase=mond", 400, "Der Wert von „phase“ ist ungültig.", "is invalid"),
        ("/api/v1/surveys?project_id=-1", 400, "„project_id“", "“project_id”"),
    ],
)
def test_errors_are_problem_json_in_german_and_english(client, path, status, german, english):
    answers = {}
    for language in ("de", "en"):
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
        body = json.loads(response.data)
        assert body["status"] == status and body["type"] == "about:blank"
        assert response.headers["Content-Language"] == language
        answers[language] = body["title"] + " " + body.get("detail", "")
    assert german in answers["de"] and english in answers["en"]
    assert answers["de"] != answers["en"]


def test_too_many_requests_give_429_problem_with_retry_after(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    statuses = [client.get("/api/v1/projects").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/projects", headers={"Accept-Language": "en"})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.json["title"] == "Too many requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # a one-minute window, rounded up
    # Another address has its own allowance.
    other = client.get("/api/v1/projects", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_documentation_page_and_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    page = client.get("/api/v1/").get_data(as_text=True)
    for path, item in spec["paths"].items():
        assert f"/api/v1{path}" in page and item["get"]["summary"] in page
        for parameter in item["get"]["parameters"]:
            assert f"<code>{parameter['name']}</code>" in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert client.get("/api/v1/dokumentation").status_code == 200


def _every_public_resource(app, client, bulk: Bulk, planner) -> list[str]:
    """One URL of every public GET endpoint in the OpenAPI document (the token ones excepted)."""
    from tests.surveys.results_factories import answer, close_and_publish, results_survey  # reason: only here

    (project_id,) = bulk.projects(1)
    bulk.comments(project_id, 2)
    (page_id,) = bulk.wiki(1, revisions=2)
    built = results_survey(app, planner.id)
    for _ in range(6):
        answer(app, built, mode="Rad", km=3)
    close_and_publish(app, built)
    values = {"project_id": project_id, "survey_id": built.id, "wiki_page_id": page_id}
    spec = client.get("/api/v1/openapi.json").json
    urls = [
        "/api/v1" + path.format(**values)
        for path, item in spec["paths"].items()
        if "security" not in item["get"]
    ]
    return urls + ["/api/v1/openapi.json"]


def test_every_public_resource_answers_304_to_its_etag(app, client, bulk: Bulk, planner):
    """ETag and If-None-Match on every resource the document lists (lists, details, results, the document)."""
    urls = _every_public_resource(app, client, bulk, planner)
    assert len(urls) == 11
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == etag
        assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_document_and_page_speak_german_first(client):
    """Summaries and descriptions go through Babel: German by default, the request's language asked for."""
    german = client.get("/api/v1/openapi.json")
    assert german.json["paths"]["/projects"]["get"]["summary"] == "Projekte, neueste zuerst"
    assert german.json["info"]["description"].startswith("JSON-API, nur lesend.")
    assert "Accept-Language" in german.headers["Vary"]
    asked = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"})
    assert asked.status_code == 200 and asked.json["paths"].keys() == german.json["paths"].keys()
    page = client.get("/api/v1/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Projekte, neueste zuerst" in page and "Rohdaten als Exportdatei" in page
    text = str(german.json)
    for english in ("newest first", "Not found", "Too many requests", "Invalid parameter"):
        assert english not in text
