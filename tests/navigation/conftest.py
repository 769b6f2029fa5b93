"""Fixtures for the navigation tests: a project with comments to report."""

from tests.discussions.conftest import add_comment, make_project, project  # noqa: F401  (fixtures)
