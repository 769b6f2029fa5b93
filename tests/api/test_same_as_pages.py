"""The API shows what the public pages show: published results with the same figures and the same
suppression (one compute call), and only the comments the discussion page shows an anonymous reader."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

from sqlalchemy import update

from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Survey
from participation.wiki.models import WikiPage, WikiRevision
from tests.api.conftest import Bulk
from tests.surveys.factories import set_dates
from tests.surveys.results_factories import answer, close_and_publish, results_survey

ROW_RE = re.compile(
    r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td><td class="num">(.*?)</td></tr>', re.S
)
SECTION_RE = re.compile(r'<section aria-labelledby="q(\d+)-heading" class="result">(.*?)</section>', re.S)


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def page_tables(html: str) -> dict[int, list[tuple[str, str, str]]]:
    """Every question's table rows on the public results page: (label, count, share) as printed."""
    return {
        int(qid): sorted((_text(a), _text(b), _text(c)) for a, b, c in ROW_RE.findall(body))
        for qid, body in SECTION_RE.findall(html)
    }


def printed(cell: dict) -> tuple[str, str, str]:
    """An API cell as the German page prints it: "geschützt" for null, shares with one decimal."""
    count = "geschützt" if cell["count"] is None else f"{cell['count']:,}".replace(",", ".")
    share = "–" if cell["pct"] is None else f"{cell['pct']:.1f}".replace(".", ",") + " %"
    return (cell["label"], count, share)


def printed_rank(rank: dict) -> tuple[str, str, str]:
    """A ranking line as printed: mean rank with up to two decimals, how often ranked first."""
    mean = rank["mean_rank"]
    shown = "–" if mean is None else f"{mean:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return (rank["label"], shown, "geschützt" if rank["first"] is None else str(rank["first"]))


def api_tables(results: dict) -> dict[int, list[tuple[str, str, str]]]:
    tables = {}
    for question in results["questions"]:
        cells = question["cells"] + [cell for row in question["rows"] for cell in row["cells"]]
        rows = [printed(cell) for cell in cells] + [printed_rank(rank) for rank in question["ranks"]]
        tables[question["id"]] = sorted(rows)
    return tables


def test_published_results_are_the_public_pages_figures_with_the_same_suppression(app, client, planner):
    built = results_survey(app, planner.id)
    # 9 cyclists and 3 drivers: "Auto" (3) is a small cell, so is the few not shown "km".
    for index in range(9):
        answer(app, built, mode="Rad", km=index, wish=["Bäume"], scale=(index % 5) + 1, yesno="ja")
    for _ in range(3):
        answer(app, built, mode="Auto", wish=["Bäume", "Licht"], scale=3, yesno="nein")
    close_and_publish(app, built)
    html = client.get(f"/umfragen/{built.id}/ergebnisse", headers={"Accept-Language": "de"})
    api = client.get(f"/api/v1/surveys/{built.id}/results")
    assert html.status_code == 200 and api.status_code == 200
    results = api.json
    on_page = page_tables(html.get_data(as_text=True))
    in_api = {qid: rows for qid, rows in api_tables(results).items() if rows}
    assert in_api and {qid: rows for qid, rows in on_page.items() if rows} == in_api
    counts = [cell["count"] for q in results["questions"] for cell in q["cells"]]
    # Both a protected and a published (non-zero) figure were compared.
    assert None in counts and any(count for count in counts if count is not None)
    assert results["total"] == 12 and results["threshold"] == 5
    km = next(q for q in results["questions"] if q["id"] == built.q["km"])
    assert km["suppressed"] and km["base"] is None and km["stats"] is None
    # No extreme value or raw text leaves through the API either.
    for question in results["questions"]:
        stats = question["stats"] or {}
        assert stats.get("minimum") is None and stats.get("maximum") is None
        assert question["texts"] == []


def test_results_not_published_are_not_in_the_api(app, client, planner):
    built = results_survey(app, planner.id)
    for _ in range(6):
        answer(app, built, mode="Rad")
    close_and_publish(app, built, published=False)
    assert client.get(f"/umfragen/{built.id}/ergebnisse").status_code == 403
    refused = client.get(f"/api/v1/surveys/{built.id}/results")
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    listed = client.get("/api/v1/surveys").json["items"]
    assert built.id not in [item["id"] for item in listed]


def test_drafts_and_scheduled_surveys_do_not_exist_in_the_api(app, client, planner):
    built = results_survey(app, planner.id)
    set_dates(app, built.id, starts_in=timedelta(days=3))
    with app.app_context():
        draft = Survey(title="Entwurf geheim")
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
    body = client.get("/api/v1/surveys").get_data(as_text=True)
    assert "Entwurf geheim" not in body and "Mobilität" not in body
    for survey_id in (draft_id, built.id):
        assert client.get(f"/api/v1/surveys/{survey_id}").status_code == 404
    set_dates(app, built.id)
    detail = client.get(f"/api/v1/surveys/{built.id}").json
    assert detail["state"] == "open"
    km = next(q for q in detail["questions"] if q["id"] == built.q["km"])
    assert set(km) == {"id", "code", "type", "text", "help_text", "mandatory", "settings", "options"}
    assert "condition" not in client.get(f"/api/v1/surveys/{built.id}").get_data(as_text=True)


def test_only_comments_the_public_page_shows_appear_in_the_api(app, client, bulk: Bulk):
    (project_id,) = bulk.projects(1)
    shown = bulk.comments(project_id, 3)
    markers = {}
    for status in ("pending", "hidden", "removed", "deleted"):
        (comment_id,) = bulk.comments(project_id, 1, status=status)
        markers[status] = f"GEHEIM-{status.upper()}-7f3a"
        with app.app_context():
            db.session.get(Comment, comment_id).body = markers[status]
            db.session.get(Comment, comment_id).body_html = f"<p>{markers[status]}</p>"
            db.session.commit()
    with app.app_context():
        slug = db.session.get(Project, project_id).slug
    page = client.get(f"/projekte/{slug}").get_data(as_text=True)
    api = client.get(f"/api/v1/projects/{project_id}/comments?limit=100")
    body = api.get_data(as_text=True)
    assert [item["id"] for item in api.json["items"]] == shown
    for comment_id in shown:
        assert f"Text {comment_id}" in page and f"Text {comment_id}" in body
    for marker in markers.values():
        assert marker not in page and marker not in body


def test_wiki_pages_and_revisions_are_the_approved_texts_only(app, client, bulk: Bulk, make_user):
    (page_id,) = bulk.wiki(1, revisions=2)
    (unpublished,) = bulk.wiki(1)
    author = make_user()
    with app.app_context():
        db.session.add(
            WikiRevision(page_id=page_id, title="Vorschlag", body="VORSCHLAG-GEHEIM-91c", author_id=author.id)
        )
        db.session.get(WikiPage, unpublished).approved_revision_id = None
        db.session.execute(
            update(WikiRevision).where(WikiRevision.page_id == unpublished).values(state="pending")
        )
        db.session.commit()
        slug = db.session.get(WikiPage, page_id).slug
    listed = client.get("/api/v1/wiki").json["items"]
    assert [item["id"] for item in listed] == [page_id]
    detail = client.get(f"/api/v1/wiki/{page_id}").json
    assert detail["body"] == "Fassung 2" and detail["body"] in client.get(f"/wiki/{slug}").get_data(
        as_text=True
    )
    revisions = client.get(f"/api/v1/wiki/{page_id}/revisions").json["items"]
    assert [r["body"] for r in revisions] == ["Fassung 2", "Fassung 1"]
    everything = "".join(
        client.get(path).get_data(as_text=True)
        for path in ("/api/v1/wiki", f"/api/v1/wiki/{page_id}", f"/api/v1/wiki/{page_id}/revisions")
    )
    assert "VORSCHLAG-GEHEIM-91c" not in everything
    assert client.get(f"/api/v1/wiki/{unpublished}").status_code == 404
    assert client.get(f"/api/v1/wiki/{unpublished}/revisions").status_code == 404
