# ruff: noqa: E501  (Markdown paragraphs are single lines; wrapping them would change the text)
"""Musterstadt's demo wiki: six published pages linked to each other, and one citizen change to review."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.core.types import utcnow
from participation.extensions import db
from participation.projects.models import Project
from participation.wiki.models import RevisionState, WikiPage, WikiRevision
from participation.wiki.render import slugify
from participation.wiki.signals import wiki_change_proposed

PLANNER = "planung@musterstadt.example"
MODERATOR = "moderation@musterstadt.example"
CITIZEN = "buerger@musterstadt.example"

BUERGERBUERO = """Das Bürgerbüro im Rathaus (Marktplatz 1, Erdgeschoss) ist die erste Anlaufstelle für Ausweise, Meldeangelegenheiten und Führungszeugnisse.

# Öffnungszeiten

| Tag | Uhrzeit |
| --- | --- |
| Montag, Dienstag | 8:00–16:00 Uhr |
| Donnerstag | 8:00–18:00 Uhr |
| Freitag | 8:00–12:00 Uhr |

Mittwochs ist das Bürgerbüro geschlossen.

# Termine

Termine vereinbaren Sie online über das Terminportal oder telefonisch unter 01234 567-0. Ohne Termin müssen Sie mit Wartezeiten rechnen.

# Was Sie mitbringen sollten

- einen gültigen Personalausweis oder Reisepass
- bei einem Umzug die Wohnungsgeberbestätigung
- für einen neuen Ausweis ein aktuelles biometrisches Passfoto

# Barrierefreiheit

Das Rathaus hat einen stufenlosen Eingang an der Rückseite und einen Aufzug. Eine induktive Höranlage gibt es am Schalter 2.

Weitere Auskünfte zu den [[Ortsteile|Ortsteilen]] erhalten Sie bei den Ortsvorstehern. Fragen zur Online-Beteiligung beantwortet die Seite [[Häufige Fragen zur Beteiligung]].
"""

ORTSTEILE = """Musterstadt besteht aus fünf Ortsteilen mit zusammen rund 24.000 Einwohnerinnen und Einwohnern.

# Altstadt

Rund um den Marktplatz liegen Rathaus, Stadtkirche und die meisten Geschäfte. Hier entsteht die [[Neugestaltung Marktplatz]].

# Bahnhofsviertel

Das Viertel zwischen Bahnhof und Altstadt wächst seit Jahren. Für den Alltagsradverkehr ist der [[Radweg Bahnhofstraße]] geplant.

# Lindenpark

Ein ruhiges Wohngebiet mit dem größten Park der Stadt. Dort wird der [[Spielplatz im Lindenpark]] erneuert.

# Nordheim und Süderfeld

Die beiden ehemals selbständigen Dörfer haben eigene Ortsbeiräte, die zweimal im Jahr öffentlich tagen. Die Termine hängen im [[Bürgerbüro]] aus.
"""

FAQ = """Hier beantworten wir Fragen, die uns zur Online-Beteiligung oft gestellt werden.

# Wer darf mitmachen?

Lesen kann jede und jeder ohne Anmeldung. Um Umfragen zu beantworten, mitzudiskutieren oder Wissensseiten zu ergänzen, brauchen Sie ein kostenloses Konto mit bestätigter E-Mail-Adresse.

# Warum sehe ich meine Änderung an einer Wissensseite nicht sofort?

Änderungen von Bürgerinnen und Bürgern prüft die Moderation, bevor sie für alle sichtbar werden. Bis dahin sehen nur Sie Ihre Änderung, mit dem Hinweis „Ihre Änderung wartet auf Prüfung“. Wird sie abgelehnt, erfahren Sie den Grund per E-Mail.

# Was passiert mit meinen Beiträgen, wenn ich mein Konto lösche?

Ihre persönlichen Daten werden gelöscht. Beiträge und Textänderungen bleiben erhalten, damit Diskussionen und Seiten verständlich bleiben; sie erscheinen dann als „Gelöschtes Konto“.

# Entscheidet die Beteiligung über ein Vorhaben?

Nein, die Entscheidung trifft der Stadtrat. Die Ergebnisse der Beteiligung werden ihm aber vollständig vorgelegt und veröffentlicht, zum Beispiel bei der [[Neugestaltung Marktplatz]].

# Wen kann ich ansprechen?

Das Team Bürgerbeteiligung im [[Bürgerbüro]] hilft gern weiter.
"""

MARKTPLATZ = """Der Marktplatz soll bis 2028 zu einem Platz für alle werden: mehr Schatten, weniger Parkplätze, ein barrierefreier Belag und ein Brunnen zum Spielen.

# Was geplant ist

- 18 neue Bäume an der Süd- und Westseite
- Sitzbänke mit Rückenlehne und Armlehnen
- ebener Belag statt Kopfsteinpflaster auf den Hauptwegen
- Platz für den Wochenmarkt am Mittwoch und Samstag

# Zeitplan

Die Beteiligung läuft bis Ende des Jahres. Danach wertet das Planungsamt die Hinweise aus und legt dem Stadtrat einen Entwurf vor. Gebaut wird in zwei Abschnitten, damit der Wochenmarkt weiter stattfinden kann.

# Mehr erfahren

Wie die Beteiligung funktioniert, steht unter [[Häufige Fragen zur Beteiligung]]. Der Marktplatz liegt in der Altstadt, siehe [[Ortsteile]].
"""

RADWEG = """Die Bahnhofstraße verbindet den Bahnhof mit der Altstadt und ist für Radfahrende heute gefährlich eng.

# Die Varianten

1. **Geschützter Radfahrstreifen** auf beiden Seiten, dafür entfallen 40 Parkplätze.
2. **Fahrradstraße** mit Tempo 30; Autos dürfen weiter fahren, Radfahrende haben Vorrang.

# Kosten und Förderung

Die Stadt rechnet mit 1,2 Millionen Euro. Bis zu 75 Prozent können aus Fördermitteln des Landes kommen.

# Wie geht es weiter?

Die Ergebnisse der Umfrage fließen in die Entscheidung des Bauausschusses ein. Der Abschnitt liegt im Bahnhofsviertel, siehe [[Ortsteile]].
"""

SPIELPLATZ = """Der Spielplatz im Lindenpark ist über 30 Jahre alt. Kinder und Eltern haben Ideen für die Erneuerung gesammelt.

# Was sich Kinder gewünscht haben

- eine große Kletterspinne
- eine Wasserspiel-Ecke mit Pumpe
- eine Nestschaukel, die auch für Kinder im Rollstuhl nutzbar ist

# Bauzeit

Der Umbau ist für das Frühjahr geplant und dauert etwa acht Wochen. Während dieser Zeit ist der Spielplatz gesperrt; der kleine Spielplatz an der Schulstraße bleibt offen.

Fragen beantwortet das [[Bürgerbüro]].
"""

# The citizen's proposal: adds the Saturday service, waiting for review.
BUERGERBUERO_PROPOSAL = BUERGERBUERO.replace(
    "Mittwochs ist das Bürgerbüro geschlossen.",
    "Mittwochs ist das Bürgerbüro geschlossen. Am ersten Samstag im Monat ist es von 9:00 bis 12:00 Uhr geöffnet "
    "(nur mit Termin).",
)

PAGES = (
    ("Bürgerbüro", BUERGERBUERO, MODERATOR, None),
    ("Ortsteile", ORTSTEILE, PLANNER, None),
    ("Häufige Fragen zur Beteiligung", FAQ, MODERATOR, None),
    ("Neugestaltung Marktplatz", MARKTPLATZ, PLANNER, "Neugestaltung Marktplatz"),
    ("Radweg Bahnhofstraße", RADWEG, PLANNER, "Radweg Bahnhofstraße"),
    ("Spielplatz im Lindenpark", SPIELPLATZ, PLANNER, "Spielplatz im Lindenpark"),
)


def _publish(page: WikiPage, title: str, body: str, author, when) -> WikiRevision:
    revision = WikiRevision(
        page_id=page.id,
        author_id=author.id,
        title=title,
        body=body,
        summary="Erste Fassung",
        state=RevisionState.APPROVED.value,
        decided_by_id=author.id,
        decided_at=when,
        created_at=when,
    )
    db.session.add(revision)
    db.session.flush()
    page.approved_revision_id, page.title = revision.id, title
    return revision


def seed_wiki(users: dict) -> None:
    """Create the missing demo pages and the pending citizen change; running it again changes nothing."""
    started = utcnow() - timedelta(days=30)
    for offset, (title, body, author_email, project_title) in enumerate(PAGES):
        slug = slugify(title)
        if db.session.scalar(select(WikiPage.id).where(WikiPage.slug == slug)):
            continue
        project_id = None
        if project_title:
            project_id = db.session.scalar(select(Project.id).where(Project.title == project_title).limit(1))
        author = users[author_email]
        page = WikiPage(
            slug=slug,
            created_by_id=author.id,
            project_id=project_id,
            created_at=started + timedelta(days=offset),
        )
        db.session.add(page)
        db.session.flush()
        _publish(page, title, body, author, started + timedelta(days=offset))
    _seed_pending_change(users[CITIZEN])


def _seed_pending_change(citizen) -> None:
    page = db.session.scalar(select(WikiPage).where(WikiPage.slug == slugify("Bürgerbüro")))
    if page is None or page.approved_revision_id is None:
        return
    exists = db.session.scalar(
        select(WikiRevision.id)
        .where(WikiRevision.page_id == page.id, WikiRevision.author_id == citizen.id)
        .limit(1)
    )
    if exists:
        return
    # Written here rather than through services.propose_edit: the change is dated a day back.
    revision = WikiRevision(
        page_id=page.id,
        author_id=citizen.id,
        title="Bürgerbüro",
        body=BUERGERBUERO_PROPOSAL,
        summary="Samstagsöffnung ergänzt (steht im Amtsblatt vom März)",
        base_revision_id=page.approved_revision_id,
        state=RevisionState.PENDING.value,
        created_at=utcnow() - timedelta(days=1),
    )
    db.session.add(revision)
    db.session.flush()
    # Announced like every proposal: the moderation queue takes it in.
    wiki_change_proposed.send(revision)
