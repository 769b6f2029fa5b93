"""Published results as open data: a CSV of the public figures and its DCAT-AP.de description (JSON-LD).

The figures are the public results page's own: services.compute(public=True) with the page's threshold,
so a protected cell stays protected here. Raw responses and free texts are never part of it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, url_for
from flask_babel import gettext as _

from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.policy import can_view_public_results
from participation.surveys.results.services import Results, compute
from participation.surveys.results.views import threshold

from . import queries
from .atom import iso, language, respond

bp = Blueprint("opendata", __name__, url_prefix="/opendata")
LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
COLUMNS = ["frage_nr", "frage", "zeile", "kennzahl", "wert", "anteil_prozent", "geschuetzt"]
JSONLD = "application/ld+json"


def _published_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_view_public_results(queries.PUBLIC, survey):
        abort(404)
    return survey


def public_figures(survey: Survey) -> Results:
    """The public results page's figures: the same call, the same threshold, no free texts."""
    return compute(survey, public=True, threshold=threshold(), with_texts=False)


def csv_rows(results: Results) -> list[list[str]]:
    """One row per published figure; a protected figure has an empty value and "ja" in geschuetzt."""

    def row(number, text, line, name, value, pct=None) -> list[str]:
        protected = value is None
        return [
            str(number or ""), text, line, name,
            "" if protected else str(value),
            "" if pct is None or protected else f"{pct:.1f}",
            "ja" if protected else "nein",
        ]  # fmt: skip

    rows = [row("", "", "", "teilnehmende", results.total)]
    for q in results.questions:
        text = q.question.text
        rows.append(row(q.number, text, "", "basis", q.base))
        for cell in q.cells:
            rows.append(row(q.number, text, "", cell.label, cell.count, cell.pct))
        for matrix_row in q.rows:
            for cell in matrix_row.cells:
                rows.append(row(q.number, text, matrix_row.label, cell.label, cell.count, cell.pct))
        for rank in q.ranks:
            rows.append(row(q.number, text, rank.label, "mittlerer_rang", rank.mean_rank))
        if q.stats is not None:
            for name in ("n", "mean", "median", "sd"):
                rows.append(row(q.number, text, "", name, getattr(q.stats, name, None)))
    return rows


def _period_end(survey: Survey) -> datetime | None:
    ends = [moment for moment in (survey.closed_at, survey.ends_at) if moment is not None]
    return min(ends) if ends else None


def dataset(survey: Survey) -> dict:
    """The DCAT-AP.de description of one survey's published figures."""
    site = current_app.config.get("SITE_NAME", "Musterstadt")
    own = url_for("opendata.dataset_jsonld", survey_id=survey.id, _external=True)
    download = url_for("opendata.dataset_csv", survey_id=survey.id, _external=True)
    title = _("Umfrageergebnisse: %(title)s", title=survey.title)
    temporal: dict = {"@type": "dct:PeriodOfTime"}
    start, end = survey.starts_at or survey.published_at, _period_end(survey)
    if start is not None:
        temporal["dcat:startDate"] = {"@value": iso(start), "@type": "xsd:dateTime"}
    if end is not None:
        temporal["dcat:endDate"] = {"@value": iso(end), "@type": "xsd:dateTime"}
    license_ = {"@id": LICENSE, "dct:title": LICENSE_NAME}
    return {
        "@id": own,
        "@type": "dcat:Dataset",
        "dct:identifier": own,
        "dct:title": {"@value": title, "@language": language()},
        "dct:description": {
            "@value": _(
                "Veröffentlichte Ergebnisse der Umfrage „%(title)s“ als zusammengefasste Zahlen. "
                "Gruppen mit weniger als %(threshold)s Antworten sind geschützt und ohne Wert.",
                title=survey.title,
                threshold=threshold(),
            ),
            "@language": language(),
        },
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": site},
        "dct:license": license_,
        "dcatde:licenseAttributionByText": site,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "dcat:theme": [{"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"}],
        "dct:temporal": temporal,
        "dct:modified": {"@value": iso(survey.updated_at), "@type": "xsd:dateTime"},
        "dcat:landingPage": {"@id": url_for("surveys.results_page", survey_id=survey.id, _external=True)},
        "dcat:distribution": [
            {
                "@id": download + "#verteilung",
                "@type": "dcat:Distribution",
                "dct:title": {"@value": title + " (CSV)", "@language": language()},
                "dcat:accessURL": {"@id": download},
                "dcat:downloadURL": {"@id": download},
                "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/text/csv"},
                "dct:format": {"@id": "http://publications.europa.eu/resource/authority/file-type/CSV"},
                "dct:license": license_,
            }
        ],
    }


def _jsonld(document: dict, updated: datetime | None) -> Response:
    body = json.dumps({"@context": CONTEXT, **document}, ensure_ascii=False, indent=1).encode()
    return respond(body, updated, JSONLD)


@bp.route("/catalog.jsonld")
def catalog():
    """The catalogue a harvester reads: every published results data set."""
    surveys = queries.published_results(limit=None)
    site = current_app.config.get("SITE_NAME", "Musterstadt")
    document = {
        "@id": url_for("opendata.catalog", _external=True),
        "@type": "dcat:Catalog",
        "dct:title": {"@value": _("Offene Daten: %(site)s", site=site), "@language": language()},
        "dct:description": {
            "@value": _("Veröffentlichte Umfrageergebnisse der Bürgerbeteiligung als offene Daten."),
            "@language": language(),
        },
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": site},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "foaf:homepage": {"@id": url_for("core.home", _external=True)},
        "dcat:dataset": [dataset(s) for s in surveys],
    }
    return _jsonld(document, max((s.updated_at for s in surveys), default=None))


@bp.route("/umfragen/<int:survey_id>.jsonld")
def dataset_jsonld(survey_id: int):
    """One data set's DCAT-AP.de description."""
    survey = _published_survey(survey_id)
    return _jsonld(dataset(survey), survey.updated_at)


@bp.route("/umfragen/<int:survey_id>.csv")
def dataset_csv(survey_id: int):
    """The published figures as CSV (UTF-8, comma separated, one header row)."""
    survey = _published_survey(survey_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(public_figures(survey)))
    response = respond(buffer.getvalue().encode(), survey.updated_at, "text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="umfrage-{survey.id}-ergebnisse.csv"'
    return response
