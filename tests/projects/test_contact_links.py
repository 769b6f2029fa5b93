"""Contact e-mail addresses and phone numbers on project pages are mailto:/tel: links."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.projects.contact import contact_links
from participation.projects.models import Project


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Frau Paula Planerin, Telefon 01234 567-210, stadtplanung@musterstadt.example",
            'Frau Paula Planerin, Telefon <a href="tel:01234567-210">01234 567-210</a>, '
            '<a href="mailto:stadtplanung@musterstadt.example">stadtplanung@musterstadt.example</a>',
        ),
        (
            "Tel. +49 1234 / 56 78 90",
            'Tel. <a href="tel:+491234567890">+49 1234 / 56 78 90</a>',
        ),
        # Postcodes, room numbers and years are not phone numbers; markup in the text stays text.
        (
            "Rathaus, 12345 Musterstadt, Zimmer 0.12, <b>2026</b>",
            "Rathaus, 12345 Musterstadt, Zimmer 0.12, &lt;b&gt;2026&lt;/b&gt;",
        ),
        (None, ""),
    ],
)
def test_contact_links(text, html):
    assert str(contact_links(text)) == html


def test_project_page_links_contact(app, client):
    with app.app_context():
        db.session.add(
            Project(
                slug="kontakt",
                title="Kontaktvorhaben",
                summary="Mit Kontakt.",
                contact="Herr Jonas Weber, Telefon 01234 / 567 330, verkehrsplanung@musterstadt.example",
            )
        )
        db.session.commit()
    html = client.get("/projekte/kontakt").get_data(as_text=True)
    assert '<a href="tel:01234567330">01234 / 567 330</a>' in html
    assert (
        '<a href="mailto:verkehrsplanung@musterstadt.example">verkehrsplanung@musterstadt.example</a>' in html
    )
