"""Fixtures shared by the survey tests: a planner and a survey with results to compute."""

from __future__ import annotations

import pytest

from tests.conftest import ROLE_SETS, UserInfo
from tests.surveys.factories import Built
from tests.surveys.results_factories import results_survey


@pytest.fixture
def planner(make_user) -> UserInfo:
    """A planner account (not logged in)."""
    return make_user(ROLE_SETS["planner"])


@pytest.fixture
def survey(app, planner) -> Built:
    """The planner's results survey: every answer type, one conditional question (see results_factories)."""
    return results_survey(app, planner.id)
