"""Published results as open data (#16 item 5): DCAT-AP.de JSON-LD, the public page's figures as CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.results.services import compute
from tests.conftest import ROLE_SETS
from tests.feeds.conftest import ATOM, get_counted, parse_atom
from tests.surveys.results_factories import answer, close_and_publish, results_survey

LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


@pytest.fixture
def planner(make_user):
    return make_user(ROLE_SETS["planner"], name="Paula Planerin")


@pytest.fixture
def published(app, planner):
    """A closed survey with published results: six cyclists and one driver (a group too small to show)."""
    built = results_survey(app, planner.id)
    for _number in range(6):
        answer(app, built, mode="Rad", yesno="ja", scale=4)
    answer(app, built, mode="Auto", yesno="nein", scale=2)
    close_and_publish(app, built)
    return built


@pytest.fixture
def unpublished(app, planner):
    """A closed survey whose results are not published: its title is a marker."""
    built = results_survey(app, planner.id)
    with app.app_context():
        db.session.get(Survey, built.id).title = "UNVEROEFFENTLICHT-5b1e"
        db.session.commit()
    answer(app, built, mode="Rad")
    close_and_publish(app, built, published=False)
    return built


def _require(node: dict, *keys: str) -> None:
    for key in keys:
        assert node.get(key), key


def test_catalog_lists_published_results_with_dcat_ap_de_properties(app, client, published, unpublished):
    """The catalogue parses as JSON, is a dcat:Catalog, and each data set holds the required properties."""
    response = client.get("/opendata/catalog.jsonld")
    assert response.mimetype == "application/ld+json"
    catalog = json.loads(response.data)
    assert catalog["@type"] == "dcat:Catalog" and catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    _require(catalog, "dct:title", "dct:description", "dct:publisher")
    assert [d["@id"] for d in catalog["dcat:dataset"]] == [
        f"http://localhost/opendata/umfragen/{published.id}.jsonld"
    ]
    dataset = json.loads(client.get(f"/opendata/umfragen/{published.id}.jsonld").data)
    assert dataset["@type"] == "dcat:Dataset"
    _require(dataset, "dct:title", "dct:description", "dct:publisher", "dct:license", "dct:temporal")
    assert dataset["dct:license"]["@id"] == LICENSE
    assert dataset["dct:license"]["dct:title"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert dataset["dct:temporal"]["dcat:endDate"]["@value"].endswith("+00:00")
    distribution = dataset["dcat:distribution"][0]
    _require(distribution, "dcat:downloadURL", "dcat:mediaType", "dct:license")
    assert distribution["dcat:downloadURL"]["@id"].endswith(f"/opendata/umfragen/{published.id}.csv")
    assert "UNVEROEFFENTLICHT" not in response.get_data(as_text=True)
    assert client.get(f"/opendata/umfragen/{unpublished.id}.jsonld").status_code == 404
    assert client.get(f"/opendata/umfragen/{unpublished.id}.csv").status_code == 404


def test_csv_holds_the_public_figures_and_keeps_small_groups_protected(app, client, published):
    """Each count of the public results (compute(public=True), threshold 5) is in the CSV, protected empty."""
    response = client.get(f"/opendata/umfragen/{published.id}.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_key = {(r["frage"], r["zeile"], r["kennzahl"]): r for r in rows}
    with app.test_request_context():
        results = compute(db.session.get(Survey, published.id), public=True, threshold=5, with_texts=False)
        expected = [((q.question.text, "", c.label), c.count) for q in results.questions for c in q.cells]
    assert expected
    protected = 0
    for key, count in expected:
        row = by_key[key]
        if count is None:
            protected += 1
            assert (row["wert"], row["geschuetzt"]) == ("", "ja"), key
        else:
            assert (int(row["wert"]), row["geschuetzt"]) == (count, "nein"), key
    assert protected, "the single driver must be protected"
    assert by_key[("Verkehrsmittel?", "", "Auto")]["wert"] == ""
    assert by_key[("", "", "teilnehmende")]["wert"] == "7"


def test_results_feed_and_open_data_read_nothing_unpublished_and_write_nothing(
    app, client, published, unpublished
):
    """The results feed names published results only; every GET sends no write and a bounded query count."""
    feed = client.get("/feeds/ergebnisse.atom")
    root = parse_atom(feed.data)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Ergebnisse veröffentlicht: Mobilität: [2026]/Innenstadt?"
    ]
    assert "UNVEROEFFENTLICHT" not in feed.get_data(as_text=True)
    for path in ("/opendata/catalog.jsonld", f"/opendata/umfragen/{published.id}.jsonld"):
        response, count = get_counted(app, client, path)
        assert response.status_code == 200 and count <= 3, (path, count)
    response, _count = get_counted(app, client, f"/opendata/umfragen/{published.id}.csv")
    assert response.status_code == 200
    again = client.get("/opendata/catalog.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 200  # another document's tag does not match
    catalog = client.get("/opendata/catalog.jsonld")
    cached = client.get("/opendata/catalog.jsonld", headers={"If-None-Match": catalog.headers["ETag"]})
    assert cached.status_code == 304


def test_catalog_and_results_feed_queries_do_not_grow(app, client, planner, published):
    """One published survey or three: the same statements for the catalogue and the results feed."""
    paths = ("/opendata/catalog.jsonld", "/feeds/ergebnisse.atom")
    client.get("/")
    one = [get_counted(app, client, path)[1] for path in paths]
    for _number in range(2):
        built = results_survey(app, planner.id)
        answer(app, built, mode="Rad")
        close_and_publish(app, built)
    three = [get_counted(app, client, path)[1] for path in paths]
    assert one == three
    assert len(json.loads(client.get(paths[0]).data)["dcat:dataset"]) == 3
