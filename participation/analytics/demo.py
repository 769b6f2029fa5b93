"""Musterstadt's reference population: the demo survey's districts by age band and gender."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from participation.analytics.csv_import import ParsedPopulation
from participation.analytics.models import PopulationVersion
from participation.analytics.services import store_version
from participation.extensions import db

SOURCE = "Statistikstelle Musterstadt, Melderegister"
# The districts the demo surveys ask about ("In welchem Ortsteil wohnen Sie?"), residents aged 14+.
DISTRICT_SIZES = {"Altstadt": 9400, "Nordviertel": 12800, "Südstadt": 11300, "Am Bach": 4600}
AGE_SHARES = {"14–29": 0.21, "30–44": 0.24, "45–64": 0.32, "65 und älter": 0.23}
GENDER_SHARES = {"weiblich": 0.508, "männlich": 0.488, "divers": 0.004}


def demo_population() -> ParsedPopulation:
    """District × age band × gender counts that add up to each district's size (rounding on 'weiblich')."""
    parsed = ParsedPopulation(("district", "age_band", "gender"))
    for district, size in DISTRICT_SIZES.items():
        for band, age_share in AGE_SHARES.items():
            band_size = round(size * age_share)
            men = round(band_size * GENDER_SHARES["männlich"])
            diverse = round(band_size * GENDER_SHARES["divers"])
            parsed.cells[(district, band, "weiblich")] = band_size - men - diverse
            parsed.cells[(district, band, "männlich")] = men
            parsed.cells[(district, band, "divers")] = diverse
    return parsed


def seed_population(users: dict) -> None:
    """Store the demo figures as the current version once (the admin account uploads them)."""
    admin = users.get("admin@musterstadt.example")
    if admin is None or db_has_versions():
        return
    store_version(
        admin, demo_population(), source=SOURCE, reference_date=date(2025, 12, 31), make_current=True
    )


def db_has_versions() -> bool:
    """True once any version exists: the seeder never adds a second."""
    return db.session.scalar(select(PopulationVersion.id).limit(1)) is not None
