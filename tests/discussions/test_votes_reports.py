"""Votes (one per person, changeable, removable, race-safe) and reports (reasons, text rule, once)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participation.discussions.models import CommentReport, CommentVote
from participation.extensions import db
from tests.conftest import csrf_token, is_postgres, login, post
from tests.discussions.conftest import load_comment


def votes(app, comment_id: int) -> list[tuple[int, int]]:
    with app.app_context():
        return db.session.execute(
            select(CommentVote.user_id, CommentVote.value).where(CommentVote.comment_id == comment_id)
        ).all()


def scores(app, comment_id: int) -> tuple[int, int, int]:
    comment = load_comment(app, comment_id)
    return comment.score, comment.upvotes, comment.downvotes


def vote(client, project, comment_id, value):
    return post(client, project.comment_url(comment_id, "bewerten"), {"value": str(value)})


def test_vote_up_change_and_remove(app, client, project, make_user, add_comment, logged_in):
    comment_id = add_comment(project, make_user().id)
    me = logged_in("citizen")
    response = post(
        client,
        project.comment_url(comment_id, "bewerten"),
        {"value": "1", "next": project.url + "?sortierung=beste"},
    )
    assert response.headers["Location"] == f"{project.url}?sortierung=beste#kommentar-{comment_id}"
    assert votes(app, comment_id) == [(me.id, 1)] and scores(app, comment_id) == (1, 1, 0)
    page = client.get(project.url).get_data(as_text=True)
    assert 'aria-pressed="true">Dafür (1)' in page
    vote(client, project, comment_id, -1)
    assert votes(app, comment_id) == [(me.id, -1)] and scores(app, comment_id) == (-1, 0, 1)
    vote(client, project, comment_id, 0)
    assert votes(app, comment_id) == [] and scores(app, comment_id) == (0, 0, 0)


def test_sequential_double_vote_leaves_one_row(app, client, project, make_user, add_comment, logged_in):
    comment_id = add_comment(project, make_user().id)
    logged_in("citizen")
    vote(client, project, comment_id, 1)
    vote(client, project, comment_id, 1)
    assert len(votes(app, comment_id)) == 1 and scores(app, comment_id) == (1, 1, 0)


def test_database_refuses_a_second_vote_row(app, project, make_user, add_comment):

    voter, comment_id = make_user(), add_comment(project, make_user().id)
    with app.app_context():
        db.session.add(CommentVote(comment_id=comment_id, user_id=voter.id, value=1))
        db.session.commit()
        db.session.add(CommentVote(comment_id=comment_id, user_id=voter.id, value=-1))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.skipif(
    not is_postgres(), reason="parallel transactions need PostgreSQL (SQLite serialises writers)"
)
def test_parallel_double_votes_leave_one_row(app, project, make_user, add_comment):
    comment_id = add_comment(project, make_user().id)
    voter = make_user()
    clients = [app.test_client() for _ in range(6)]
    tokens = []
    for each in clients:
        login(each, voter)
        tokens.append(csrf_token(each, "/"))
    barrier = threading.Barrier(len(clients))
    statuses = []

    def send(each, token):
        barrier.wait()
        response = each.post(
            project.comment_url(comment_id, "bewerten"), data={"csrf_token": token, "value": "1"}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert votes(app, comment_id) == [(voter.id, 1)]
    assert scores(app, comment_id) == (1, 1, 0)


def test_vote_redirect_never_leaves_the_site(client, project, make_user, add_comment, logged_in):
    comment_id = add_comment(project, make_user().id)
    logged_in("citizen")
    response = post(
        client, project.comment_url(comment_id, "bewerten"), {"value": "1", "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == f"{project.url}/kommentare/{comment_id}#kommentar-{comment_id}"


@pytest.mark.parametrize("value", ["2", "-5", "abc", ""])
def test_invalid_vote_values_are_refused(app, client, project, make_user, add_comment, logged_in, value):
    comment_id = add_comment(project, make_user().id)
    logged_in("citizen")
    assert vote(client, project, comment_id, value).status_code == 400
    assert votes(app, comment_id) == []


def test_no_votes_on_own_or_hidden_comments(app, client, project, make_user, add_comment, logged_in):
    me = logged_in("citizen")
    own = add_comment(project, me.id)
    hidden = add_comment(project, make_user().id, status="hidden")
    assert vote(client, project, own, 1).status_code == 403
    assert vote(client, project, hidden, 1).status_code == 403
    assert votes(app, own) == votes(app, hidden) == []


def reports(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(
                CommentReport.comment_id,
                CommentReport.reporter_id,
                CommentReport.reason,
                CommentReport.text,
                CommentReport.resolved_at,
            )
        ).all()


@pytest.mark.parametrize("reason", ["spam", "abuse", "off_topic", "personal_data"])
def test_report_with_a_simple_reason_needs_no_text(
    app, client, project, make_user, add_comment, logged_in, reason
):
    comment_id = add_comment(project, make_user().id)
    me = logged_in("citizen")
    assert post(client, project.comment_url(comment_id, "melden"), {"reason": reason}).status_code == 302
    assert reports(app) == [(comment_id, me.id, reason, None, None)]


@pytest.mark.parametrize("reason", ["unlawful", "other"])
def test_unlawful_and_other_need_a_text(app, client, project, make_user, add_comment, logged_in, reason):
    comment_id = add_comment(project, make_user().id)
    me = logged_in("citizen")
    response = post(client, project.comment_url(comment_id, "melden"), {"reason": reason, "text": "  "})
    assert response.status_code == 400
    assert "Bitte beschreiben Sie bei diesem Grund kurz das Problem." in response.get_data(as_text=True)
    assert reports(app) == []
    post(
        client,
        project.comment_url(comment_id, "melden"),
        {"reason": reason, "text": "Volksverhetzung, § 130 StGB"},
    )
    assert reports(app) == [(comment_id, me.id, reason, "Volksverhetzung, § 130 StGB", None)]


def test_unknown_reason_is_refused(app, client, project, make_user, add_comment, logged_in):
    comment_id = add_comment(project, make_user().id)
    logged_in("citizen")
    assert (
        post(client, project.comment_url(comment_id, "melden"), {"reason": "langweilig"}).status_code == 400
    )
    assert reports(app) == []


def test_one_report_per_person_and_comment(app, client, project, make_user, add_comment, logged_in):
    comment_id = add_comment(project, make_user().id)
    logged_in("citizen")
    post(client, project.comment_url(comment_id, "melden"), {"reason": "spam"})
    response = post(client, project.comment_url(comment_id, "melden"), {"reason": "abuse"})
    assert response.status_code == 409
    assert "bereits gemeldet" in response.get_data(as_text=True)
    assert "bereits gemeldet" in client.get(project.comment_url(comment_id, "melden")).get_data(as_text=True)
    assert [row.reason for row in reports(app)] == ["spam"]


def test_no_self_report(app, client, project, add_comment, logged_in):
    me = logged_in("citizen")
    own = add_comment(project, me.id)
    assert client.get(project.comment_url(own, "melden")).status_code == 403
    assert post(client, project.comment_url(own, "melden"), {"reason": "spam"}).status_code == 403
    assert reports(app) == []


def test_report_counts_are_independent_per_reporter(app, client, project, make_user, add_comment):
    comment_id = add_comment(project, make_user().id)
    for _ in range(2):
        reporter = app.test_client()
        login(reporter, make_user())
        post(reporter, project.comment_url(comment_id, "melden"), {"reason": "spam"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CommentReport)) == 2
