"""Schemathesis fuzzes /api/v1 against its own OpenAPI document (#16 item 6): every endpoint, valid and
invalid parameters; no answer is a server error and every answer matches its documented status, media
type and schema. Runs on SQLite (`make test`) and on PostgreSQL (`.ci/run`), bounded to a few seconds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participation.api import openapi, tokens
from participation.extensions import db
from participation.surveys.models import Survey
from tests.api.conftest import Bulk
from tests.conftest import get_user
from tests.surveys.results_factories import answer, close_and_publish, results_survey

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25


# The document the API serves (test_documentation_page_and_openapi_document reads it back): loaded
# from the same function at import, because schemathesis' fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_dict(openapi.document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
)


@pytest.fixture
def fuzz_data(app, make_user, planner):
    """Data behind the endpoints: a project with comments, a published survey in it, wiki pages."""
    bulk = Bulk(app, make_user().id)
    (project_id,) = bulk.projects(1, phase="participation", district="Altstadt")
    bulk.comments(project_id, 3)
    bulk.wiki(2, revisions=2)
    built = results_survey(app, planner.id)
    for index in range(6):
        answer(app, built, mode="Rad", km=index, scale=3)
    close_and_publish(app, built)
    with app.app_context():
        db.session.get(Survey, built.id).project_id = project_id
        db.session.commit()
    # The fuzzer sends hundreds of requests from one address: the limit would only give it 429s.
    app.config["API_RATE_LIMIT"] = "100000/minute"
    with app.app_context():
        _token, secret = tokens.create(
            get_user(app, planner.id), "Fuzz", [built.id], date.today() + timedelta(days=2)
        )
        db.session.commit()
    yield secret
    app.config.pop("API_RATE_LIMIT")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_answers_as_documented(case, app, fuzz_data):
    """No 5xx; status, media type and body as the document says, for valid and invalid parameters."""
    case.call_and_validate(app=app, checks=CHECKS)
    if "/responses" in case.path:
        # The token endpoints (JSON and files) once more with a planner token (scoped to the fuzz survey).
        case.call_and_validate(app=app, checks=CHECKS, headers={"Authorization": f"Bearer {fuzz_data}"})
