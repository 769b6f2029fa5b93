"""The weighted survey the weighting tests share: population figures, a planner's survey with its
weighting questions mapped, and responses in the groups each test module chooses."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.conftest import ROLE_SETS, UserInfo
from tests.surveys.weighting.factories import World, add_responses, map_world, population, weighting_survey

# Trimming bounds wide enough that no weight is trimmed: the raking solution is then unique.
WIDE_BOUNDS = (0.05, 20)

Groups = dict[tuple[str | None, str | None], int]


@dataclass
class WeightedWorld(World):
    """A weighting World together with the planner who owns its survey (not logged in)."""

    planner: UserInfo = field(kw_only=True)


def weighted_world(
    app, make_user, groups: Groups, *, enabled: bool = True, trim=(None, None)
) -> WeightedWorld:
    """An admin's population figures; a planner's survey answered in `groups`, mapped, weighting on/off."""
    planner = make_user(ROLE_SETS["planner"])
    population(app, make_user(ROLE_SETS["admin"]).id)
    built = weighting_survey(app, planner.id)
    add_responses(app, built, groups)
    map_world(app, built, planner.id, enabled=enabled, trim=trim)
    return WeightedWorld(**vars(built), planner=planner)
