"""What the issue promises of the public lists and times (#16 item 1) and of the limits (item 3):
filters that filter, a project's phases, ISO 8601 times with an offset, a limit per token."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from participation.api import tokens
from participation.extensions import db
from participation.projects.models import ProjectPhase
from tests.api.conftest import Bulk
from tests.conftest import get_user
from tests.surveys.results_factories import results_survey


def test_project_filters_phase_and_district(client, bulk: Bulk):
    wanted = bulk.projects(2, phase="participation", district="Altstadt")
    bulk.projects(2, phase="participation", district="Nordviertel")
    bulk.projects(2, phase="completed", district="Altstadt")
    listed = client.get("/api/v1/projects?phase=participation&district=Altstadt").json["items"]
    assert sorted(item["id"] for item in listed) == sorted(wanted)
    assert len(client.get("/api/v1/projects?phase=completed").json["items"]) == 2
    assert len(client.get("/api/v1/projects?district=Altstadt").json["items"]) == 4


def test_project_detail_has_its_phases_in_order_and_times_carry_an_offset(app, client, bulk: Bulk):
    (project_id,) = bulk.projects(1, phase="participation")
    with app.app_context():
        for position, phase in enumerate(("information", "participation")):
            start = date(2026, 3, 1) + timedelta(days=30 * position)
            db.session.add(
                ProjectPhase(project_id=project_id, phase=phase, position=position, starts_on=start)
            )
        db.session.commit()
    detail = client.get(f"/api/v1/projects/{project_id}").json
    assert [p["phase"] for p in detail["phases"]] == ["information", "participation"]
    assert detail["phases"][0]["starts_on"] == "2026-03-01"
    for moment in (detail["created_at"], detail["updated_at"]):
        assert datetime.fromisoformat(moment).utcoffset() is not None, moment
    assert detail["id"] == project_id and detail["url"] == f"/api/v1/projects/{project_id}"


def test_rate_limit_counts_per_token(app, client, planner, monkeypatch):
    """Two tokens from one address have their own allowance; the one over its limit gets 429 problem."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2/minute")
    built = results_survey(app, planner.id)
    with app.app_context():
        secrets = [
            tokens.create(get_user(app, planner.id), name, [built.id], date.today() + timedelta(days=1))[1]
            for name in ("eins", "zwei")
        ]
        db.session.commit()
    url = f"/api/v1/surveys/{built.id}/responses"
    first = [client.get(url, headers={"Authorization": f"Bearer {secrets[0]}"}) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 429]
    assert first[-1].mimetype == "application/problem+json" and int(first[-1].headers["Retry-After"]) >= 1
    second = client.get(url, headers={"Authorization": f"Bearer {secrets[1]}"})
    assert second.status_code == 200
