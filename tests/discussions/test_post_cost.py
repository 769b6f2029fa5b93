"""What posting a comment costs in SQL statements (#15 item 2): the work, nothing read twice."""

from __future__ import annotations

from participation.extensions import db
from tests.conftest import count_queries, csrf_token


def test_posting_a_comment_costs_at_most_seven_statements(app, client, project, logged_in):
    logged_in("citizen")
    token = csrf_token(client, project.url)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.post(
            f"{project.url}/kommentieren", data={"csrf_token": token, "body": "Mehr Bäume.", "parent_id": ""}
        )
    assert response.status_code == 302 and "/kommentare/" in response.headers["Location"]
    # The project, the login, the moderation settings, the comment, its search entry (read, upsert) and
    # the project page's version (anonymous readers' cached copy goes); nothing re-read after the
    # commit for the redirect, no search entry deleted that was never there.
    assert len(statements) <= 7, "\n".join(statements)
    assert sum(sql.lstrip().upper().startswith("UPDATE PROJECTS") for sql in statements) == 1
    assert not any(sql.lstrip().upper().startswith("DELETE") for sql in statements)
