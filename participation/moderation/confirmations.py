"""What the confirmation step says before an account is blocked or a wiki change is rejected here."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from participation.accounts.models import User
from participation.core.confirm import Confirmation
from participation.core.i18n import format_when
from participation.core.types import utcnow
from participation.moderation import reasons
from participation.wiki.models import WikiRevision


def _category_label(code: str | None) -> str:
    category = reasons.category(code)
    return str(category.label) if category else "–"


def block(target: User, days: int, reason_code: str, text: str) -> Confirmation:
    """Blocking: the person is logged out, cannot take part until the end date, and is told why."""
    until = format_when(utcnow() + timedelta(days=days))
    return Confirmation(
        title=_("Konto von %(name)s sperren?", name=target.public_name),
        details=[
            (_("Dauer"), _("%(days)s Tage, bis etwa %(date)s", days=days, date=until)),
            (_("Grund (Kategorie)"), _category_label(reason_code)),
            (_("Begründung für die betroffene Person"), text),
        ],
        happens=[
            _("Die Person wird sofort auf allen Geräten abgemeldet und kann sich nicht mehr anmelden."),
            _(
                "Bis zum Ende der Sperre kann sie nicht mehr mitmachen: nicht kommentieren, bewerten, "
                "melden, an Umfragen mit Konto teilnehmen oder das Wiki bearbeiten."
            ),
            _(
                "Sie erhält sofort eine Begründung mit Kategorie, Ihrem Text, der Netiquette-Regel und "
                "dem Ende der Sperre. Die Entscheidung wird protokolliert."
            ),
        ],
        final=_(
            "Die Abmeldung, die verschickte Begründung und der Eintrag im Protokoll lassen sich nicht "
            "zurücknehmen. Die Sperre selbst kann in der Verwaltung vorzeitig aufgehoben werden."
        ),
        button=_("Ja, Konto sperren"),
        cancel_url=url_for("moderation.account", user_id=target.id),
    )


def reject_wiki_change(
    item_id: int, revision: WikiRevision, reason_code: str, text: str, cancel_url: str | None = None
) -> Confirmation:
    """Rejecting a wiki change from the queue: the author is told why and may object once."""
    return Confirmation(
        title=_("Wiki-Änderung „%(title)s“ ablehnen?", title=revision.title),
        details=[
            (_("Grund (Kategorie)"), _category_label(reason_code)),
            (_("Begründung für die betroffene Person"), text),
        ],
        happens=[
            _("Die vorgeschlagene Änderung wird abgelehnt und nicht veröffentlicht."),
            _(
                "Die Autorin oder der Autor erhält sofort eine Begründung mit Kategorie, Ihrem Text und "
                "der Netiquette-Regel und kann einmal Einspruch einlegen."
            ),
        ],
        final=_(
            "Die Ablehnung und die verschickte Begründung lassen sich nicht zurücknehmen. Nur ein "
            "erfolgreicher Einspruch kann die Änderung doch noch veröffentlichen."
        ),
        button=_("Ja, Änderung ablehnen"),
        cancel_url=cancel_url or url_for("moderation.item", item_id=item_id),
    )
