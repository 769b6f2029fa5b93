"""Moderation settings as forms: categories as rows (add, rename, retire), thresholds explained, logged."""

from __future__ import annotations

from sqlalchemy import select

from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.moderation import reasons
from participation.moderation.models import Decision
from tests.conftest import post
from tests.moderation.conftest import client_for

PATH = "/moderation/einstellungen"


def _codes(app, *, choosable: bool) -> list[str]:
    with app.app_context():
        return [c.code for c in (reasons.categories() if choosable else reasons.all_categories())]


def _logged(app) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.action.like("moderation.category_%"))
            .order_by(AuditLogEntry.id)
        )
        return [(row.action, row.details) for row in rows]


def test_the_page_shows_rows_not_syntax_and_explains_the_thresholds(app, people):
    html = client_for(app, people["admin"]).get(PATH).get_data(as_text=True)
    assert "<textarea" not in html and "|" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'name="grund-beleidigung-label"' in html and 'value="Beleidigung oder Hassrede"' in html
    assert "wird er sofort vorläufig ausgeblendet" in html
    assert "0 schaltet die Vorabprüfung aus" in html


def test_add_rename_retire_and_bring_back_a_category(app, people):
    admin = client_for(app, people["admin"])
    added = post(
        admin,
        f"{PATH}/gruende",
        {"neu-label": "Lärm im Netz", "neu-rule": "Regel 8: Ruhig bleiben"},
        token_from=PATH,
    )
    assert added.status_code == 302
    assert "laerm_im_netz" in _codes(app, choosable=True)

    renamed = post(
        admin,
        f"{PATH}/gruende/laerm_im_netz",
        {"grund-laerm_im_netz-label": "Lärm", "grund-laerm_im_netz-rule": "Regel 8", "aktion": "speichern"},
        token_from=PATH,
    )
    assert renamed.status_code == 302
    with app.app_context():
        assert reasons.category("laerm_im_netz").label == "Lärm"

    retire = {
        "grund-laerm_im_netz-label": "Lärm",
        "grund-laerm_im_netz-rule": "Regel 8",
        "aktion": "stilllegen",
    }
    html = admin.get(PATH).get_data(as_text=True)
    token = html.split(
        'id="grund-laerm_im_netz-csrf_token" name="grund-laerm_im_netz-csrf_token" type="hidden" value="', 1
    )[1]
    retire["grund-laerm_im_netz-csrf_token"] = token.split('"', 1)[0]
    assert admin.post(f"{PATH}/gruende/laerm_im_netz", data=retire).status_code == 302
    assert "laerm_im_netz" not in _codes(app, choosable=True)
    assert "laerm_im_netz" in _codes(app, choosable=False)

    assert [action for action, _details in _logged(app)] == [
        "moderation.category_added",
        "moderation.category_renamed",
        "moderation.category_retired",
    ]
    # The log reads in words.
    log = client_for(app, people["mod"]).get("/moderation/protokoll").get_data(as_text=True)
    assert "hat den Moderationsgrund „Lärm im Netz“ in „Lärm“ umbenannt" in log
    assert "hat den Moderationsgrund „Lärm“ stillgelegt" in log


def test_a_retired_category_stays_on_past_decisions_but_is_no_longer_offered(app, people):
    moderator = client_for(app, people["mod"])
    account = f"/moderation/konto/{people['author'].id}"
    data = {"mute-days": "3", "mute-reason_code": "quellen", "mute-text": "Ohne Quelle.", "mute-seen_end": ""}
    assert post(moderator, f"{account}/stummschalten", data, token_from=account).status_code == 302
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id).where(Decision.reason_code == "quellen"))
        reasons.retire_category(None, "quellen", retired=True)
        db.session.commit()
    # Still named on the decision the person sees …
    page = (
        client_for(app, people["author"])
        .get(f"/moderation/entscheidung/{decision_id}")
        .get_data(as_text=True)
    )
    assert "Falsche Tatsachenbehauptung ohne Quelle" in page
    # … and in the log, but no longer offered in the forms, and refused when posted anyway.
    assert "Falsche Tatsachenbehauptung ohne Quelle" in moderator.get("/moderation/protokoll").get_data(
        as_text=True
    )
    # … and on the public transparency report's figures.
    assert "Falsche Tatsachenbehauptung ohne Quelle" in moderator.get("/moderation/transparenz").get_data(
        as_text=True
    )
    other = f"/moderation/konto/{people['r1'].id}"
    assert 'value="quellen"' not in moderator.get(other).get_data(as_text=True)
    data["mute-text"] = "Wieder."
    assert post(moderator, f"{other}/stummschalten", data, token_from=other).status_code == 400


def test_bad_rows_keep_what_was_typed_and_change_nothing(app, people):
    admin = client_for(app, people["admin"])
    response = post(
        admin, f"{PATH}/gruende", {"neu-label": "Nur Bezeichnung", "neu-rule": "  "}, token_from=PATH
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Nur Bezeichnung"' in html and "Bitte nennen Sie die Regel" in html
    assert _logged(app) == []
    assert (
        post(admin, f"{PATH}/gruende/gibtesnicht", {"aktion": "speichern"}, token_from=PATH).status_code
        == 404
    )


def test_only_admins_change_categories(app, people):
    moderator = client_for(app, people["mod"])
    assert (
        post(moderator, f"{PATH}/gruende", {"neu-label": "X", "neu-rule": "Y"}, token_from="/").status_code
        == 403
    )
    assert _logged(app) == []
