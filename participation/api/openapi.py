"""The OpenAPI 3.1 document of /api/v1: the contract the fuzz test checks every answer against."""

from __future__ import annotations

from typing import Any

from participation.api.http import MAX_LIMIT
from participation.projects.models import Phase

MAX_ID = 2**63 - 1

NULL_STR: dict[str, Any] = {"type": ["string", "null"]}
NULL_INT: dict[str, Any] = {"type": ["integer", "null"]}
NULL_NUM: dict[str, Any] = {"type": ["number", "null"]}
TIME: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
URL: dict[str, Any] = {"type": "string"}


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return _obj({"items": {"type": "array", "items": _ref(name)}, "next": NULL_STR})


CELL = _obj({"code": {"type": "string"}, "label": {"type": "string"}, "count": NULL_INT, "pct": NULL_NUM})
STATS = {
    "type": ["object", "null"],
    "properties": {
        name: NULL_NUM for name in ("n", "mean", "median", "q1", "q3", "minimum", "maximum", "sd")
    },
}

SCHEMAS: dict[str, Any] = {
    "Problem": _obj({"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}}),
    "Project": _obj(
        {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "district": NULL_STR,
            "phase": {"type": "string", "enum": [p.value for p in Phase]},
            "created_at": TIME,
            "updated_at": TIME,
            "url": URL,
        }
    ),
    "Phase": _obj(
        {
            "phase": {"type": "string"},
            "position": {"type": "integer"},
            "starts_on": {"type": ["string", "null"], "format": "date"},
            "ends_on": {"type": ["string", "null"], "format": "date"},
        }
    ),
    "Survey": _obj(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "project_id": NULL_INT,
            "state": {"type": "string", "enum": ["open", "closed"]},
            "starts_at": TIME,
            "ends_at": TIME,
            "closed_at": TIME,
            "results_published": {"type": "boolean"},
            "url": URL,
            "results_url": NULL_STR,
        }
    ),
    "Question": _obj(
        {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "type": {"type": "string"},
            "text": {"type": "string"},
            "help_text": {"type": "string"},
            "mandatory": {"type": "boolean"},
            "settings": {"type": "object"},
            "options": {
                "type": "array",
                "items": _obj(
                    {"code": {"type": "string"}, "label": {"type": "string"}, "kind": {"type": "string"}}
                ),
            },
        }
    ),
    "Cell": CELL,
    "QuestionResult": _obj(
        {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "number": {"type": "integer"},
            "type": {"type": "string"},
            "text": {"type": "string"},
            "suppressed": {"type": "boolean"},
            "base": NULL_INT,
            "answered": NULL_INT,
            "not_shown": NULL_INT,
            "no_answer": NULL_INT,
            "dont_know": NULL_INT,
            "cells": {"type": "array", "items": _ref("Cell")},
            "stats": STATS,
            "rows": {"type": "array", "items": {"type": "object"}},
            "ranks": {"type": "array", "items": {"type": "object"}},
            "texts": {"type": "array", "items": {"type": "string"}},
        }
    ),
    "Results": _obj(
        {
            "survey_id": {"type": "integer"},
            "threshold": {"type": "integer"},
            "total": NULL_INT,
            "hidden_too_few": {"type": "boolean"},
            "codes_issued": {"type": "integer"},
            "codes_used": NULL_INT,
            "per_day": {
                "type": "array",
                "items": _obj({"day": {"type": "string", "format": "date"}, "count": NULL_INT}),
            },
            "channels": {"type": "array", "items": _ref("Cell")},
            "questions": {"type": "array", "items": _ref("QuestionResult")},
        }
    ),
    "Comment": _obj(
        {
            "id": {"type": "integer"},
            "project_id": {"type": "integer"},
            "parent_id": NULL_INT,
            "body": {"type": "string"},
            "created_at": TIME,
            "edited_at": TIME,
        }
    ),
    "WikiPage": _obj(
        {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "project_id": NULL_INT,
            "body": {"type": "string"},
            "revision_id": {"type": "integer"},
            "updated_at": TIME,
            "revisions_url": URL,
        }
    ),
    "WikiRevision": _obj(
        {
            "id": {"type": "integer"},
            "page_id": {"type": "integer"},
            "version": {"type": "integer"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            "summary": {"type": "string"},
            "created_at": TIME,
            "approved_at": TIME,
        }
    ),
    "Transparency": _obj(
        {
            "months": {
                "type": "array",
                "items": _obj(
                    {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "reports": {"type": "integer"},
                        "decisions": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "actions": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "appeals": {"type": "integer"},
                        "appeal_outcomes": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "median_hours": NULL_NUM,
                    }
                ),
            }
        }
    ),
}

PAGING = [
    {
        "name": "limit",
        "in": "query",
        "description": f"Items per page, 1 … {MAX_LIMIT} (default 20).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    {
        "name": "cursor",
        "in": "query",
        "description": "Opaque cursor from the previous page's `next` link.",
        "schema": {"type": "string"},
    },
]


def _id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _get(summary: str, schema: str, parameters: list[dict[str, Any]], *, listing: bool = False):
    ok_schema = _list_of(schema) if listing else _ref(schema)
    return {
        "get": {
            "summary": summary,
            "parameters": parameters + (PAGING if listing else []),
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": ok_schema}}},
                "304": {"description": "Not modified (If-None-Match matched the ETag)."},
                "400": _problem("Invalid parameter."),
                "404": _problem("Not found or not public."),
                "429": _problem("Too many requests; see Retry-After."),
            },
        }
    }


PATHS: dict[str, Any] = {
    "/projects": _get(
        "Projects, newest first",
        "Project",
        [
            {"name": "phase", "in": "query", "schema": {"type": "string", "enum": [p.value for p in Phase]}},
            {"name": "district", "in": "query", "schema": {"type": "string", "maxLength": 80}},
        ],
        listing=True,
    ),
    "/projects/{project_id}": _get("One project with its phases", "ProjectDetail", [_id("project_id")]),
    "/projects/{project_id}/comments": _get(
        "Visible comments of a project, oldest first", "Comment", [_id("project_id")], listing=True
    ),
    "/surveys": _get(
        "Open surveys and closed ones with published results",
        "Survey",
        [
            {
                "name": "project_id",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
        ],
        listing=True,
    ),
    "/surveys/{survey_id}": _get("One survey with its questions", "SurveyDetail", [_id("survey_id")]),
    "/surveys/{survey_id}/results": _get(
        "Published results (small cells protected: null)", "Results", [_id("survey_id")]
    ),
    "/wiki": _get("Published wiki pages", "WikiPage", [], listing=True),
    "/wiki/{wiki_page_id}": _get("One published wiki page", "WikiPage", [_id("wiki_page_id")]),
    "/wiki/{wiki_page_id}/revisions": _get(
        "Approved revisions of a wiki page", "WikiRevision", [_id("wiki_page_id")], listing=True
    ),
    "/transparency": _get("Moderation figures per month", "Transparency", []),
}

SCHEMAS["ProjectDetail"] = {
    "allOf": [
        _ref("Project"),
        _obj(
            {
                "description": {"type": "string"},
                "location_text": NULL_STR,
                "department": NULL_STR,
                "phases": {"type": "array", "items": _ref("Phase")},
                "comments_url": URL,
            }
        ),
    ]
}
SCHEMAS["SurveyDetail"] = {
    "allOf": [
        _ref("Survey"),
        _obj({"intro": {"type": "string"}, "questions": {"type": "array", "items": _ref("Question")}}),
    ]
}

# Raw responses for a planner token (#16 item 2): the technical CSV's header and rows.
CELL_VALUE: dict[str, Any] = {"type": ["string", "integer", "number", "null"]}
SCHEMAS["RawResponses"] = _obj(
    {
        "columns": {"type": "array", "items": {"type": "string"}},
        "items": {"type": "array", "items": {"type": "array", "items": CELL_VALUE}},
        "next": NULL_STR,
    }
)
PATHS["/surveys/{survey_id}/responses"] = {
    "get": {
        "summary": "Raw responses (the rows of the technical CSV) for a planner token",
        "security": [{"plannerToken": []}],
        "parameters": [_id("survey_id"), *PAGING],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": _ref("RawResponses")}}},
            "400": _problem("Invalid parameter."),
            "401": _problem("No token, or an unknown, expired or revoked one."),
            "403": _problem("The token may not read this survey."),
            "404": _problem("No such path (an id out of range)."),
            "429": _problem("Too many requests; see Retry-After."),
        },
    }
}
SECURITY_SCHEMES = {
    "plannerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access key from „Mein Konto → Zugangsschlüssel (API)“.",
    }
}


def document() -> dict[str, Any]:
    """The OpenAPI document (built per call: nothing in it depends on the request)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Beteiligungsplattform – öffentliche API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON API. Times are ISO 8601 with offset; lists are keyset-paged "
                "(`next` and a `Link` header); every answer has an ETag (If-None-Match gives 304); "
                "errors are RFC 9457 problem+json in German or English (Accept-Language)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
