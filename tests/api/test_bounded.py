"""Every list endpoint sends the same SQL statements at 10 and at 10,000 items; pages are bounded and
the `next` links walk the whole list exactly once."""

from __future__ import annotations

import pytest

from participation.extensions import db
from tests.api.conftest import Bulk
from tests.conftest import count_queries


def _seed(bulk: Bulk, kind: str, number: int) -> str:
    if kind == "projects":
        bulk.projects(number, phase="participation", district="Altstadt")
        return "/api/v1/projects?limit=100&phase=participation&district=Altstadt"
    if kind == "surveys":
        bulk.surveys(number)
        return "/api/v1/surveys?limit=100"
    if kind == "comments":
        (project_id,) = bulk.projects(1)
        bulk.comments(project_id, number)
        return f"/api/v1/projects/{project_id}/comments?limit=100"
    if kind == "wiki":
        bulk.wiki(number)
        return "/api/v1/wiki?limit=100"
    (page_id,) = bulk.wiki(1, revisions=number)
    return f"/api/v1/wiki/{page_id}/revisions?limit=100"


@pytest.mark.parametrize("kind", ["projects", "surveys", "comments", "wiki", "revisions"])
def test_list_queries_do_not_grow_from_10_to_10000_items(app, client, make_user, kind):
    counts, sizes = [], []
    for number in (10, 10_000):
        bulk = Bulk(app, make_user().id)
        path = _seed(bulk, kind, number)
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        sizes.append(len(response.json["items"]))
        # Clean between the two sizes: the second run must not see the first one's rows.
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in ("users",):
                    db.session.execute(table.delete())
            db.session.commit()
    assert sizes == [10, 100]
    assert counts[0] == counts[1], counts


def test_next_links_walk_the_list_once_and_the_limit_is_bounded(client, bulk: Bulk):
    ids = bulk.projects(45)
    seen, url = [], "/api/v1/projects?limit=20"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.json
        seen += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= 20
        if page["next"]:
            assert response.headers["Link"] == f'<{page["next"]}>; rel="next"'
        url = page["next"]
    assert seen == sorted(ids, reverse=True)
    assert client.get("/api/v1/projects?limit=101").status_code == 400
    assert client.get("/api/v1/projects?limit=0").status_code == 400
    assert len(client.get("/api/v1/projects").json["items"]) == 20
