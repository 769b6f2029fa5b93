"""axe-core zero on the reference population pages (#17 item 2), as an admin and a planner meet them:
the list, one version with its tables, the upload form empty and refused with errors by its fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.analytics.demo import demo_population
from participation.analytics.models import PopulationVersion
from participation.analytics.services import store_version
from participation.extensions import db
from tests.browser.conftest import Site, assert_accessible
from tests.conftest import ROLE_SETS


def _with_population(site: Site) -> int:
    admin = site.make_user(ROLE_SETS["admin"], name="Ada Admin")
    site.users["admin"] = admin
    with site.app.test_request_context():
        store_version(
            db.session.get(User, admin.id),
            demo_population(),
            source="Statistikstelle Musterstadt, Melderegister",
            reference_date=date(2025, 12, 31),
            make_current=True,
        )
        db.session.commit()
        return db.session.scalar(select(PopulationVersion.id))


def _refused_upload(site: Site, version_id: int) -> None:
    site.login(site.users["admin"])
    site.goto("/verwaltung/bevoelkerung/neu")
    site.page.fill("#source", "Melderegister")
    site.page.fill("#reference_date", "2025-12-31")
    site.page.fill("#rows", "Bezirk;Anzahl\nAltstadt;-4\n=A1;3\n")
    with site.page.expect_navigation():
        site.page.click("main button[type=submit]")
    assert site.page.locator(".error-summary").count() == 1
    assert "Zeile 2" in site.page.locator("#rows-error").inner_text()


PAGES: dict[str, Callable[[Site, int], None]] = {
    "list (admin)": lambda site, v: (site.login(site.users["admin"]), site.goto("/verwaltung/bevoelkerung/")),
    "version (planner)": lambda site, v: (
        site.login_as("planner"),
        site.goto(f"/verwaltung/bevoelkerung/{v}"),
    ),
    "upload form (admin)": lambda site, v: (
        site.login(site.users["admin"]),
        site.goto("/verwaltung/bevoelkerung/neu"),
    ),
    "upload refused with errors (admin)": _refused_upload,
}


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_population_page_has_no_wcag_violations(site: Site, name: str, width: int) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    PAGES[name](site, _with_population(site))
    assert_accessible(site, name, width)
