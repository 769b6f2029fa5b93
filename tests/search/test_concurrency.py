"""Two transactions change one document at once (PostgreSQL): they wait for each other, none fails.

The index is rewritten after the flush, when the transaction already holds the lock on the source
row it wrote, so the second writer reads the first one's committed text and status.
"""

from __future__ import annotations

import threading
import time

import pytest

from participation.accounts.models import User
from participation.discussions import services as discussions
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from tests.conftest import is_postgres

from .conftest import hits

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not is_postgres(), reason="real parallel transactions need PostgreSQL"),
]


def test_an_edit_and_a_hiding_of_the_same_comment_at_once(app, world):
    comment_id, author_id, project_id = world.ids["comment"], world.citizen.id, world.project.id
    moderator_id = world.moderator.id
    flushed, errors = threading.Event(), []

    def edit() -> None:
        try:
            with app.test_request_context():
                comment = db.session.get_one(Comment, comment_id)
                author, project = db.session.get_one(User, author_id), db.session.get_one(Project, project_id)
                discussions.edit_comment(author, project, comment, "Jetzt mit Biberwiese.")
                flushed.set()  # the index row is written and locked until this transaction ends
                time.sleep(0.5)
                db.session.commit()
        except Exception as error:  # noqa: BLE001  (reported to the main thread)
            errors.append(error)
            flushed.set()

    def hide() -> None:
        try:
            flushed.wait(5)
            with app.test_request_context():
                comment = db.session.get_one(Comment, comment_id)
                moderator = db.session.get_one(User, moderator_id)
                # Its UPDATE of the comment waits for the edit's lock, then it reindexes the edited row.
                discussions.hide_comment(moderator, comment, "Ohne Quelle behauptet.", "quellen")
                db.session.commit()
        except Exception as error:  # noqa: BLE001  (reported to the main thread)
            errors.append(error)

    threads = [threading.Thread(target=edit), threading.Thread(target=hide)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    db.session.expire_all()
    assert db.session.get_one(Comment, comment_id).body == "Jetzt mit Biberwiese."
    assert db.session.get_one(Comment, comment_id).status == "hidden"
    assert hits("Biberwiese") == set() and hits("Radweg") == {("project", "Neue Bäume im Lindenpark")}
