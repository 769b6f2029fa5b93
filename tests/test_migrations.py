"""The Alembic migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import column, create_engine, insert, inspect, select, table, text

from participation import create_app
from participation.core.fulltext.models import include_in_schema_compare
from participation.core.types import UTCDateTime
from participation.extensions import db


@contextmanager
def preserved_logging() -> Iterator[None]:
    """migrations/env.py runs logging.config.fileConfig: put every logger back as it was afterwards."""
    manager = logging.Logger.manager
    for name in ("alembic", "flask_migrate", "sqlalchemy.engine"):
        logging.getLogger(name)  # make sure the loggers fileConfig touches are saved too
    loggers = {name: obj for name, obj in manager.loggerDict.items() if isinstance(obj, logging.Logger)}
    saved = {name: (obj.level, obj.handlers[:], obj.propagate, obj.disabled) for name, obj in loggers.items()}
    root = logging.getLogger()
    root_saved = (root.level, root.handlers[:])
    try:
        yield
    finally:
        root.setLevel(root_saved[0])
        root.handlers[:] = root_saved[1]
        for name, (level, handlers, propagate, disabled) in saved.items():
            obj = loggers[name]
            obj.setLevel(level)
            obj.handlers[:] = handlers
            obj.propagate = propagate
            obj.disabled = disabled
        for name, obj in manager.loggerDict.items():
            if isinstance(obj, logging.Logger) and name not in saved:
                obj.disabled = False


@pytest.fixture
def empty_database(tmp_path) -> Iterator[dict]:
    """Config for an empty database: a new SQLite file, or a new schema on the PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/migrations.sqlite"}
        return
    schema = f"migr_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = create_engine(url)
    with admin_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }
    finally:
        with admin_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture
def migration_app(empty_database):
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "migrations-" + secrets.token_hex(8),
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            **empty_database,
        }
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def schema_diff() -> list:
    """Differences between the models' metadata and the live database (empty when they agree)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "target_metadata": db.metadata,
                # As migrations/env.py: the search index's hand-made full-text parts are no model's.
                "include_object": include_in_schema_compare,
            },
        )
        return compare_metadata(context, db.metadata)


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revisions() -> tuple[str, ...]:
    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return tuple(ScriptDirectory.from_config(config).get_heads())


def app_tables() -> set[str]:
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    # SQLite's FTS5 table of the search index and its shadow tables are no model's (migration 0011).
    return {name for name in names if include_in_schema_compare(None, name, "table", True, None)}


def test_the_migration_history_has_exactly_one_head(migration_app):
    assert len(head_revisions()) == 1, head_revisions()


def test_upgrade_from_empty_database_matches_the_models(migration_app, caplog):
    assert app_tables() == set()
    with preserved_logging():
        flask_migrate.upgrade()

    assert current_revision() == head_revisions()[0]
    assert schema_diff() == []
    assert app_tables() == set(db.metadata.tables)

    # Logging still reaches caplog (and pytest's handlers) after env.py ran fileConfig.
    with caplog.at_level(logging.WARNING):
        logging.getLogger("participation.core.errors").warning("nach der Migration")
    assert "nach der Migration" in caplog.text


def test_downgrade_to_base_and_upgrade_again(migration_app):
    with preserved_logging():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert app_tables() == set()
        assert current_revision() is None

        flask_migrate.upgrade()
    assert current_revision() == head_revisions()[0]
    assert schema_diff() == []


def test_the_migrated_schema_enforces_the_model_constraints(migration_app):
    """What compare_metadata cannot see: foreign keys with CASCADE and the role check constraint."""
    with preserved_logging():
        flask_migrate.upgrade()
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, notify_by_email, created_at) "
                "VALUES (1, 'a@example.org', :yes, CURRENT_TIMESTAMP)"
            ),
            {"yes": True},
        )
        connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'admin')"))
    with pytest.raises(Exception, match="(?i)check|constraint"):
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'kaiser')"))
    with pytest.raises(Exception, match="(?i)foreign key"):
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (99, 'admin')"))
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = 1"))
        assert connection.execute(text("SELECT COUNT(*) FROM user_roles")).scalar() == 0


def test_0005_gives_moderation_blocks_their_end(migration_app):
    """Blocks made before `blocked_until` existed get the end of the block decision taken with them."""

    users = table(
        "users",
        column("id"),
        column("email"),
        column("notify_by_email"),
        column("created_at", UTCDateTime()),
        column("blocked_at", UTCDateTime()),
    )
    decisions = table(
        "moderation_decisions",
        column("subject_id"),
        column("moderator_id"),
        column("action"),
        column("ends_at", UTCDateTime()),
        column("created_at", UTCDateTime()),
    )

    def at(month: int, day: int, hour: int = 10) -> datetime:
        return datetime(2026, month, day, hour, tzinfo=UTC)

    with preserved_logging():
        flask_migrate.upgrade(revision="0004")
    with db.engine.begin() as connection:
        connection.execute(
            insert(users),
            [
                {
                    "id": 1,
                    "email": "mod@x.org",
                    "notify_by_email": True,
                    "created_at": at(1, 1),
                    "blocked_at": None,
                },
                {
                    "id": 2,
                    "email": "b@x.org",
                    "notify_by_email": True,
                    "created_at": at(1, 1),
                    "blocked_at": at(11, 1),
                },
                {
                    "id": 3,
                    "email": "c@x.org",
                    "notify_by_email": True,
                    "created_at": at(1, 1),
                    "blocked_at": at(11, 1),
                },
            ],
        )
        connection.execute(
            insert(decisions),
            [
                # The block that is in force: decided with the block, ends a week later.
                {
                    "subject_id": 2,
                    "moderator_id": 1,
                    "action": "block",
                    "ends_at": at(11, 8),
                    "created_at": at(11, 1),
                },
                # An earlier block long over: not the end of today's (admin) block of account 3.
                {
                    "subject_id": 3,
                    "moderator_id": 1,
                    "action": "block",
                    "ends_at": at(5, 1),
                    "created_at": at(4, 1),
                },
                {
                    "subject_id": 3,
                    "moderator_id": 1,
                    "action": "mute",
                    "ends_at": at(12, 1),
                    "created_at": at(11, 2),
                },
            ],
        )
    with preserved_logging():
        flask_migrate.upgrade()
    with db.engine.connect() as connection:
        ends = dict(
            connection.execute(
                select(column("id"), column("blocked_until", UTCDateTime())).select_from(table("users"))
            ).all()
        )
    assert ends == {1: None, 2: at(11, 8), 3: None}


def test_0009_puts_waiting_wiki_changes_into_the_moderation_queue(migration_app):
    """Pending changes without a queue item get one; open items of settled changes close."""

    proposed = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with preserved_logging():
        flask_migrate.upgrade(revision="0008")
    with db.engine.begin() as connection:
        connection.execute(
            insert(
                table(
                    "users",
                    column("id"),
                    column("email"),
                    column("notify_by_email"),
                    column("created_at", UTCDateTime()),
                )
            ),
            [{"id": 1, "email": "a@x.org", "notify_by_email": True, "created_at": proposed}],
        )
        connection.execute(
            insert(
                table(
                    "wiki_pages",
                    column("id"),
                    column("slug"),
                    column("locked"),
                    column("created_at", UTCDateTime()),
                )
            ),
            [{"id": 1, "slug": "seite", "locked": False, "created_at": proposed}],
        )
        revisions = table(
            "wiki_revisions",
            column("id"),
            column("page_id"),
            column("author_id"),
            column("title"),
            column("body"),
            column("summary"),
            column("state"),
            column("created_at", UTCDateTime()),
            column("version"),
        )
        connection.execute(
            insert(revisions),
            [
                {
                    "id": rid,
                    "page_id": 1,
                    "author_id": 1,
                    "title": "Seite",
                    "body": "Text",
                    "summary": "",
                    "state": state,
                    "created_at": proposed,
                    "version": 1,
                }
                for rid, state in ((1, "pending"), (2, "pending"), (3, "withdrawn"), (4, "rejected"))
            ],
        )
        items = table(
            "moderation_items",
            column("target_type"),
            column("target_id"),
            column("author_id"),
            column("status"),
            column("opened_at", UTCDateTime()),
            column("created_at", UTCDateTime()),
            column("auto_hidden"),
            column("version"),
        )
        # Revision 2 was seen by the queue page already; 3 was withdrawn after the queue saw it.
        connection.execute(
            insert(items),
            [
                {
                    "target_type": "wiki_revision",
                    "target_id": rid,
                    "author_id": 1,
                    "status": "open",
                    "opened_at": proposed,
                    "created_at": proposed,
                    "auto_hidden": False,
                    "version": 1,
                }
                for rid in (2, 3)
            ],
        )
    with preserved_logging():
        flask_migrate.upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(column("target_id"), column("status"), column("opened_at", UTCDateTime()))
            .select_from(table("moderation_items"))
            .order_by(column("target_id"))
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "open", proposed),
        (2, "open", proposed),
        (3, "decided", proposed),
    ]
