"""Optimistic locking: one conditional UPDATE that succeeds only for the version the caller saw."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, update

from participation.extensions import db


def update_if_version(
    model: type[Any],
    obj_id: int,
    expected_version: int,
    *conditions: ColumnElement[bool],
    **values: Any,
) -> bool:
    """Change one row and bump its version, only if it still has `expected_version` (and `conditions`).

    True when this call changed the row; False when someone else changed it first (nothing is
    written then). The session's copy is not refreshed: callers refresh or expire what they show.
    """
    statement = (
        update(model)
        .where(model.id == obj_id, model.version == expected_version, *conditions)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE always yields a cursor result; its rowcount says whether the condition still held.
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount == 1
