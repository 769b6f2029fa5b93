"""Anonymous visitors' cached copy of a project page (#15: reads under load).

A hit costs the project's own load and nothing else; every change to what the page shows is
there at the next request (the project's page_version), whoever wrote it and whichever app server
cached the page; what no row records goes after PROJECT_PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from participation.accounts.models import Role, User, UserRole
from participation.core import lru
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import count_queries, login, post

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SCORE = re.compile(r'<span class="comment-score">([^<]*)</span>')


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrf_token" type="hidden" value=""', html)


def version(app, project_id: int) -> int:
    with app.app_context():
        value = db.session.scalar(select(Project.page_version).where(Project.id == project_id))
        db.session.remove()
    return value


def test_a_hit_is_the_rendered_page_with_the_visitors_own_token_for_the_projects_load_only(
    app, project, make_user, add_comment
):
    add_comment(project, make_user(name="Anna Anfang").id, "Mehr Schatten am Spielplatz.")
    first, second = app.test_client(), app.test_client()
    rendered = first.get(project.url).get_data(as_text=True)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = second.get(project.url)
    cached = response.get_data(as_text=True)
    assert response.status_code == 200
    # The project and its phases: no comment, no survey, no wiki page read.
    assert len(statements) <= 2, statements
    assert not any("comments" in sql for sql in statements)
    assert "Mehr Schatten am Spielplatz." in cached
    assert without_tokens(cached) == without_tokens(rendered)
    # Each visitor's page carries the token of their own session: the language switch works.
    (token,) = TOKEN.findall(cached)
    assert token != TOKEN.findall(rendered)[0]
    second.post("/sprache", data={"csrf_token": token, "language": "en", "next": project.url})
    assert '<html lang="en"' in second.get(project.url).get_data(as_text=True)
    # A token that is not the session's switches nothing.
    first.post("/sprache", data={"csrf_token": token, "language": "en", "next": project.url})
    assert '<html lang="de"' in first.get(project.url).get_data(as_text=True)


def test_each_language_has_its_own_copy(app, project):
    german = app.test_client().get(project.url).get_data(as_text=True)
    english = app.test_client().get(project.url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de"' in german and '<html lang="en"' in english


def test_logged_in_pages_are_neither_served_from_nor_stored_in_the_cache(app, client, project, make_user):
    anonymous = app.test_client().get(project.url).get_data(as_text=True)
    user = make_user(name="Bernd Bürger")
    login(client, user)
    own = client.get(project.url).get_data(as_text=True)
    assert "Abmelden" in own and "Abmelden" not in anonymous
    assert "Abmelden" not in app.test_client().get(project.url).get_data(as_text=True)


def test_a_new_comment_shows_at_once_and_leaves_the_project_dated_as_it_was(
    app, project, make_user, add_comment
):
    reader = app.test_client()
    assert "Neuer Gedanke" not in reader.get(project.url).get_data(as_text=True)
    with app.app_context():
        updated_at = db.session.get_one(Project, project.id).updated_at
        db.session.remove()
    before = version(app, project.id)
    add_comment(project, make_user().id, "Neuer Gedanke zum Platz.")
    assert version(app, project.id) == before + 1
    assert "Neuer Gedanke zum Platz." in reader.get(project.url).get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Project, project.id).updated_at == updated_at


def test_a_vote_shows_at_once(app, client, project, make_user, add_comment):
    comment_id = add_comment(project, make_user().id, "Bitte mehr Bänke.")
    reader = app.test_client()
    assert SCORE.findall(reader.get(project.url).get_data(as_text=True))[0].startswith("0 ")
    login(client, make_user())
    response = post(
        client, project.comment_url(comment_id, "bewerten"), {"value": "1"}, token_from=project.url
    )
    assert response.status_code == 302
    assert SCORE.findall(reader.get(project.url).get_data(as_text=True))[0].startswith("1 ")


def test_a_hidden_comment_goes_at_once(app, project, make_user, add_comment):
    comment_id = add_comment(project, make_user().id, "Etwas, das nicht bleiben darf.")
    reader = app.test_client()
    assert "nicht bleiben darf" in reader.get(project.url).get_data(as_text=True)
    with app.app_context():
        db.session.get_one(Comment, comment_id).status = "hidden"
        db.session.commit()
    assert "nicht bleiben darf" not in reader.get(project.url).get_data(as_text=True)


def test_an_edited_project_shows_at_once(app, project):
    reader = app.test_client()
    reader.get(project.url)
    with app.app_context():
        db.session.get_one(Project, project.id).title = "Spielplatz Lindenpark, neu gedacht"
        db.session.commit()
    assert "Spielplatz Lindenpark, neu gedacht" in reader.get(project.url).get_data(as_text=True)


def test_a_renamed_author_shows_at_once_on_every_project(app, make_project, make_user, add_comment):
    author = make_user(name="Carla Alt")
    pages = [make_project("erstes", "Erstes Vorhaben"), make_project("zweites", "Zweites Vorhaben")]
    for info in pages:
        add_comment(info, author.id, "Gute Idee.")
    reader = app.test_client()
    assert all("Carla Alt" in reader.get(info.url).get_data(as_text=True) for info in pages)
    with app.app_context():
        db.session.get_one(User, author.id).display_name = "Carla Neu"
        db.session.commit()
    for info in pages:
        html = reader.get(info.url).get_data(as_text=True)
        assert "Carla Neu" in html and "Carla Alt" not in html


def test_a_bulk_change_of_tracked_rows_changes_every_page(app, project, make_user, add_comment):
    planner = make_user({Role.PLANNER}, name="Petra Plan")
    add_comment(project, planner.id, "Wir prüfen das.")
    before = version(app, project.id)
    with app.app_context():
        db.session.query(UserRole).filter_by(user_id=planner.id).delete()  # names no project
        db.session.commit()
    assert version(app, project.id) == before + 1


def test_a_rolled_back_change_changes_no_version(app, project, make_user, add_comment):
    before = version(app, project.id)
    author = make_user()
    with app.app_context():
        db.session.add(Comment(project_id=project.id, author_id=author.id, body="x", body_html="x"))
        db.session.flush()
        db.session.rollback()
        db.session.execute(update(User).where(User.id == author.id).values(locale="de"))  # not on a page
        db.session.commit()
    assert version(app, project.id) == before


def test_what_no_row_records_goes_after_the_time_limit(app, project, make_user, add_comment, monkeypatch):
    comment_id = add_comment(project, make_user().id, "Alter Wortlaut.")
    reader = app.test_client()
    reader.get(project.url)
    with app.app_context(), db.engine.begin() as connection:  # past the ORM: nothing is told
        connection.execute(update(Comment.__table__).where(Comment.id == comment_id).values(body_html="Neu."))
    assert "Alter Wortlaut." in reader.get(project.url).get_data(as_text=True)
    now = lru.time.monotonic()
    seconds = app.config["PROJECT_PAGE_CACHE_SECONDS"]
    monkeypatch.setattr(lru.time, "monotonic", lambda: now + seconds + 1)
    assert "Alter Wortlaut." not in reader.get(project.url).get_data(as_text=True)


@pytest.mark.parametrize("entries", [1, 3])
def test_the_cache_keeps_at_most_its_entries(entries):
    cache = lru.TimedLRU[str](entries, 30)
    for number in range(5):
        cache.put(("page", number), f"<p>{number}</p>")
    kept = [number for number in range(5) if cache.get(("page", number)) is not None]
    assert kept == list(range(5 - entries, 5))


def test_a_change_to_several_projects_raises_each_once_locking_in_id_order(app, make_project, make_user):
    pages = [make_project("drittes", "Drittes Vorhaben"), make_project("viertes", "Viertes Vorhaben")]
    author = make_user()
    before = [version(app, info.id) for info in pages]
    with app.app_context():
        engine = db.engine
        with count_queries(engine) as statements:
            for info in reversed(pages):
                db.session.add(Comment(project_id=info.id, author_id=author.id, body="x", body_html="x"))
            db.session.commit()
        db.session.remove()
    assert [version(app, info.id) for info in pages] == [n + 1 for n in before]
    (raise_versions,) = [sql for sql in statements if sql.lstrip().upper().startswith("UPDATE PROJECTS")]
    # Rows locked in id order: two such transactions wait for each other, never in a circle.
    if engine.dialect.name == "postgresql":
        assert "ORDER BY projects.id FOR UPDATE" in raise_versions


def test_a_second_commit_of_the_same_session_raises_only_what_it_changed(app, make_project, make_user):
    # The version UPDATE is itself a bulk UPDATE of a tracked model: it must not note "every project"
    # for the session's next commit (a request commits twice when seal_on_write sealed a survey).
    first, other = make_project("erstes", "Erstes Vorhaben"), make_project("zweites", "Zweites Vorhaben")
    author = make_user()
    before = version(app, other.id)
    with app.app_context():
        db.session.add(Comment(project_id=first.id, author_id=author.id, body="x", body_html="x"))
        db.session.commit()
        db.session.add(Comment(project_id=first.id, author_id=author.id, body="y", body_html="y"))
        db.session.commit()
        db.session.remove()
    assert version(app, other.id) == before
