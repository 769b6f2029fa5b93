"""The OpenAPI 3.1 document of /api/v1: the contract the fuzz test checks every answer against."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from participation.api.http import MAX_LIMIT
from participation.api.serialize import SHOWN_SETTINGS, STATS_FIELDS
from participation.projects.models import Phase
from participation.surveys.exports.views import FORMATS

MAX_ID = 2**63 - 1

NULL_STR: dict[str, Any] = {"type": ["string", "null"]}
NULL_INT: dict[str, Any] = {"type": ["integer", "null"]}
NULL_NUM: dict[str, Any] = {"type": ["number", "null"]}
TIME: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
URL: dict[str, Any] = {"type": "string"}
PHASES = [p.value for p in Phase]


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return _obj({"items": {"type": "array", "items": _ref(name)}, "next": NULL_STR})


CELL = _obj({"code": {"type": "string"}, "label": {"type": "string"}, "count": NULL_INT, "pct": NULL_NUM})
STATS = {"type": ["object", "null"], "properties": {name: NULL_NUM for name in STATS_FIELDS}}

SCHEMAS: dict[str, Any] = {
    "Problem": _obj({"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}}),
    "Project": _obj(
        {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "district": NULL_STR,
            "phase": {"type": "string", "enum": PHASES},
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
            # Only the settings a respondent sees on the form (serialize.SHOWN_SETTINGS).
            "settings": {"type": "object", "propertyNames": {"enum": list(SHOWN_SETTINGS)}},
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
        "description": _l("Einträge je Seite, 1 … %(max)s (ohne Angabe 20).", max=MAX_LIMIT),
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    {
        "name": "cursor",
        "in": "query",
        "description": _l("Undurchsichtiger Zeiger aus dem Link „next“ der vorigen Seite."),
        "schema": {"type": "string"},
    },
]


ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _problem(description: LazyString) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": _l("Erfolg"), "content": {media_type: {"schema": schema}}}


BAD_PARAMETER = _problem(_l("Ein Parameter ist ungültig."))
TOO_MANY = _problem(_l("Zu viele Anfragen; siehe Retry-After."))


def _get(summary: LazyString, schema: str, parameters: list[dict[str, Any]], *, listing: bool = False):
    ok_schema = _list_of(schema) if listing else _ref(schema)
    return {
        "get": {
            "summary": summary,
            "parameters": parameters + (PAGING if listing else []),
            "responses": {
                "200": _ok("application/json", ok_schema),
                "304": {"description": _l("Nicht geändert (If-None-Match passte zum ETag).")},
                "400": BAD_PARAMETER,
                "404": _problem(_l("Nicht gefunden oder nicht öffentlich.")),
                "429": TOO_MANY,
            },
        }
    }


PATHS: dict[str, Any] = {
    "/projects": _get(
        _l("Projekte, neueste zuerst"),
        "Project",
        [
            {"name": "phase", "in": "query", "schema": {"type": "string", "enum": PHASES}},
            {"name": "district", "in": "query", "schema": {"type": "string", "maxLength": 80}},
        ],
        listing=True,
    ),
    "/projects/{project_id}": _get(_l("Ein Projekt mit seinen Phasen"), "ProjectDetail", [_id("project_id")]),
    "/projects/{project_id}/comments": _get(
        _l("Sichtbare Kommentare eines Projekts, älteste zuerst"),
        "Comment",
        [_id("project_id")],
        listing=True,
    ),
    "/surveys": _get(
        _l("Offene Umfragen und beendete mit veröffentlichten Ergebnissen"),
        "Survey",
        [{"name": "project_id", "in": "query", "schema": ID}],
        listing=True,
    ),
    "/surveys/{survey_id}": _get(_l("Eine Umfrage mit ihren Fragen"), "SurveyDetail", [_id("survey_id")]),
    "/surveys/{survey_id}/results": _get(
        _l("Veröffentlichte Ergebnisse (kleine Zellen geschützt: null)"), "Results", [_id("survey_id")]
    ),
    "/wiki": _get(_l("Veröffentlichte Wiki-Seiten"), "WikiPage", [], listing=True),
    "/wiki/{wiki_page_id}": _get(_l("Eine veröffentlichte Wiki-Seite"), "WikiPage", [_id("wiki_page_id")]),
    "/wiki/{wiki_page_id}/revisions": _get(
        _l("Freigegebene Fassungen einer Wiki-Seite"),
        "WikiRevision",
        [_id("wiki_page_id")],
        listing=True,
    ),
    "/transparency": _get(_l("Moderationszahlen je Monat"), "Transparency", []),
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
TOKEN_ERRORS = {
    "401": _problem(_l("Kein Zugangsschlüssel oder ein unbekannter, abgelaufener oder widerrufener.")),
    "403": _problem(_l("Der Zugangsschlüssel gilt nicht für diese Umfrage.")),
    "429": TOO_MANY,
}
PATHS["/surveys/{survey_id}/responses"] = {
    "get": {
        "summary": _l("Rohdaten (die Zeilen der technischen CSV) für einen Zugangsschlüssel"),
        "security": [{"plannerToken": []}],
        "parameters": [_id("survey_id"), *PAGING],
        "responses": {
            "200": _ok("application/json", _ref("RawResponses")),
            "400": BAD_PARAMETER,
            **TOKEN_ERRORS,
            "404": _problem(_l("Diesen Pfad gibt es nicht (eine Nummer außerhalb des Bereichs).")),
        },
    }
}
FILE: dict[str, Any] = {"type": "string", "format": "binary"}
# The export page's formats: the same files, names and media types (exports.views.FORMATS).
FILE_TYPES = sorted({mimetype for _name, _ext, mimetype in FORMATS.values()})
PATHS["/surveys/{survey_id}/responses/{format}"] = {
    "get": {
        "summary": _l("Rohdaten als Exportdatei (Formate der Exportseite) für einen Zugangsschlüssel"),
        "description": _l(
            "csv-technisch: technische CSV (Komma, Dezimalpunkt); csv: CSV für Excel (Semikolon, "
            "Dezimalkomma); xlsx; ods; json; sav: SPSS; codebuch: Codebuch als CSV. Die Zeilen sind "
            "die der technischen CSV."
        ),
        "security": [{"plannerToken": []}],
        "parameters": [
            _id("survey_id"),
            {
                "name": "format",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": list(FORMATS)},
            },
        ],
        "responses": {
            "200": {
                "description": _l("Die Datei (als Anhang)."),
                "content": {
                    media: {"schema": {"type": "object"} if media == "application/json" else FILE}
                    for media in FILE_TYPES
                },
            },
            **TOKEN_ERRORS,
            "404": _problem(_l("Dieses Format oder diesen Pfad gibt es nicht.")),
            "422": _problem(_l("Für eine SPSS-Datei hat die Umfrage zu viele Antworten.")),
        },
    }
}
SECURITY_SCHEMES = {
    "plannerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": _l("Ein persönlicher Zugangsschlüssel aus „Mein Konto → Zugangsschlüssel (API)“."),
    }
}


def _resolved(value: Any) -> Any:
    """The document with every lazy text read in the current locale (JSON and templates need str)."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item) for item in value]
    return value


def document() -> dict[str, Any]:
    """The OpenAPI document in the current locale (German unless the request asks for English)."""
    return _resolved(
        {
            "openapi": "3.1.0",
            "info": {
                "title": _l("Beteiligungsplattform – öffentliche API"),
                "version": "1.0.0",
                "description": _l(
                    "JSON-API, nur lesend. Zeiten nach ISO 8601 mit Zeitzone; Listen seitenweise "
                    "(„next“ und ein Link-Header); jede Antwort hat ein ETag (If-None-Match ergibt 304); "
                    "Fehler als RFC 9457 problem+json auf Deutsch oder Englisch (Accept-Language)."
                ),
            },
            "servers": [{"url": "/api/v1"}],
            "paths": PATHS,
            "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
        }
    )
