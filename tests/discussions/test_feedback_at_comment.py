"""Feedback where the eye is (#11 item 5): after an action that lands on #kommentar-N, the
confirmation stands in that comment's card and is announced; elsewhere it stays at the top."""

from __future__ import annotations

import re

from sqlalchemy import select

from participation.discussions.models import Comment
from participation.extensions import db
from tests.conftest import post


def card(html: str, comment_id: int) -> str:
    """The HTML of one comment's card on the project page."""
    match = re.search(rf'<li id="kommentar-{comment_id}".*?</li>', html, re.S)
    assert match, f"no card for comment {comment_id}"
    return match.group(0)


def newest_comment_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1))


def test_a_published_comment_is_confirmed_in_its_card(app, client, project, logged_in):
    logged_in("citizen")
    response = post(client, f"{project.url}/kommentieren", {"body": "Bitte mehr Bänke."})
    comment_id = newest_comment_id(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    message = "Ihr Kommentar wurde veröffentlicht."
    assert html.count(message) == 1, "shown once: in the card, not also at the top"
    assert '<p class="flash flash-success" role="status">' + message in card(html, comment_id)
    # Read once: the next page shows no stale confirmation.
    assert message not in client.get(project.url).get_data(as_text=True)


def test_edit_and_report_are_confirmed_at_the_comment(
    app, client, project, logged_in, make_user, add_comment
):
    other = make_user()
    theirs = add_comment(project, other.id, "Das ist Unsinn.")
    me = logged_in("citizen")
    mine = add_comment(project, me.id, "Erste Fassung")
    response = post(client, project.comment_url(mine, "bearbeiten"), {"body": "Zweite Fassung"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ihr Kommentar wurde geändert." in card(html, mine)
    response = post(client, project.comment_url(theirs, "melden"), {"reason": "spam", "text": ""})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Danke. Die Moderation sieht sich den Kommentar an." in card(html, theirs)


def test_a_page_without_the_comment_shows_the_message_at_the_top(app, client, project, logged_in):
    """The anchored card is not on the start page: the message is not lost, it stands at the top."""
    logged_in("citizen")
    post(client, f"{project.url}/kommentieren", {"body": "Noch ein Gedanke."})
    html = client.get("/").get_data(as_text=True)
    top = html.split('<div class="flash-messages" role="status">', 1)
    assert len(top) == 2 and "Ihr Kommentar wurde veröffentlicht." in top[1].split("</div>", 1)[0]
