"""The demo survey's weighting: its age question's options, who answered it, the preset mapping."""

from __future__ import annotations

from participation.surveys.weighting import editing

# The age bands of Musterstadt's population figures (analytics/demo.py), as a questionnaire words them.
AGE_OPTIONS = ("14–29 Jahre", "30–44 Jahre", "45–64 Jahre", "65 Jahre und älter")
AGE_BANDS = ("14–29", "30–44", "45–64", "65 und älter")
# Who answered, by channel: older people took part more than their share, online as on paper; the young
# least (the representativeness panel warns about them and weighting corrects it).
AGE_WEIGHTS = {"online": (13, 21, 40, 26), "other": (7, 14, 33, 46)}


def preset(planner, survey, district, age) -> None:
    """District and age band mapped to the population figures, weighting switched on."""
    editing.map_question(planner, survey, "district", district, {o.id: o.label for o in district.choices})
    bands = {o.id: band for o, band in zip(age.choices, AGE_BANDS, strict=True)}
    editing.map_question(planner, survey, "age_band", age, bands)
    editing.switch_weighting(planner, survey, True)
