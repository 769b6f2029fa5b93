"""German default texts (Markdown) for the pages linked in every footer: legal pages, Leichte Sprache, DGS."""

from __future__ import annotations

import re
from string import Template

from flask_babel import lazy_gettext as _l

from participation.core.access_texts import GEBAERDENSPRACHE, LEICHTE_SPRACHE

# Leichte Sprache and Gebärdensprache: BITV 2.0 § 4 asks for both explanations on the start page.
LEGAL_PAGE_SLUGS: tuple[str, ...] = (
    "impressum",
    "datenschutz",
    "barrierefreiheit",
    "netiquette",
    "leichte-sprache",
    "gebaerdensprache",
)
# The slugs for a route's any() converter; quoted, because a bare "leichte-sprache" is no argument.
LEGAL_SLUG_ARGS = ", ".join(f'"{slug}"' for slug in LEGAL_PAGE_SLUGS)

# Lazy strings: they render in the reader's language wherever they are used as text.
_TITLES: dict[str, str] = {
    "impressum": _l("Impressum"),
    "datenschutz": _l("Datenschutz"),
    "barrierefreiheit": _l("Barrierefreiheit"),
    "netiquette": _l("Netiquette"),
    "leichte-sprache": _l("Leichte Sprache"),
    "gebaerdensprache": _l("Gebärdensprache"),
}

_IMPRESSUM = Template("""\
**Hinweis für die Verwaltung: Bitte ersetzen Sie die Angaben in eckigen Klammern.**

Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG) und § 18 Medienstaatsvertrag (MStV).

# Anbieter

[Gemeinde/Stadt] $site_name, [Straße Hausnummer], [PLZ] $site_name

Die [Gemeinde/Stadt] $site_name ist eine Körperschaft des öffentlichen Rechts.
Sie wird vertreten durch den Bürgermeister bzw. die Bürgermeisterin [Vorname Nachname].

# Kontakt

- Telefon: [Telefonnummer]
- E-Mail: [E-Mail-Adresse]
- Sprechzeiten: [Wochentage und Uhrzeiten]

# Aufsichtsbehörde

[Name der Kommunalaufsicht, z. B. Landratsamt oder Regierungspräsidium],
[Straße Hausnummer], [PLZ Ort]

# Umsatzsteuer

Eine Umsatzsteuer-Identifikationsnummer ist für dieses Angebot nicht erforderlich,
da die Beteiligungsplattform im Rahmen hoheitlicher Aufgaben betrieben wird.

# Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV

[Vorname Nachname], [Funktion, z. B. Leitung Öffentlichkeitsarbeit],
[Straße Hausnummer], [PLZ] $site_name

# Über diese Plattform

Auf dieser Plattform können Sie sich an Umfragen beteiligen, über Vorhaben in
$site_name diskutieren und gemeinsam Wissen im Wiki sammeln. Beiträge von
Bürgerinnen und Bürgern geben die Meinung der jeweiligen Verfasserinnen und
Verfasser wieder und nicht die Meinung der Verwaltung. Die Moderation achtet auf
die Einhaltung der [Netiquette](/netiquette).

# Haftung für Inhalte

Wir erstellen die Inhalte dieser Seiten mit großer Sorgfalt. Für die
Richtigkeit, Vollständigkeit und Aktualität können wir dennoch keine Gewähr
übernehmen. Für Beiträge von Nutzerinnen und Nutzern sind wir erst verantwortlich,
wenn wir von einer Rechtsverletzung Kenntnis erlangen. Dann entfernen wir den
betroffenen Inhalt umgehend. Bitte nutzen Sie dafür die Meldefunktion oder
schreiben Sie uns an [E-Mail-Adresse].

# Haftung für Links

Diese Plattform enthält Links zu Webseiten anderer Anbieter. Auf deren Inhalte
haben wir keinen Einfluss. Für diese Inhalte ist stets der jeweilige Anbieter
oder Betreiber verantwortlich. Zum Zeitpunkt der Verlinkung waren keine
Rechtsverstöße erkennbar. Eine dauerhafte Kontrolle der verlinkten Seiten ist
ohne konkrete Anhaltspunkte nicht zumutbar. Wenn wir von Rechtsverletzungen
erfahren, entfernen wir den betreffenden Link umgehend.

# Urheberrecht

Die von der Verwaltung erstellten Texte, Grafiken und Dokumente unterliegen dem
deutschen Urheberrecht, soweit nicht anders angegeben. Amtliche Bekanntmachungen
dürfen frei verwendet werden. Für Beiträge im Wiki und in Diskussionen gelten
die Hinweise in den Nutzungsbedingungen der Plattform.

Stand: [Datum]
""")

_DATENSCHUTZ = Template("""\
Der Schutz Ihrer Daten ist uns wichtig. Hier informieren wir Sie nach
Art. 13 der Datenschutz-Grundverordnung (DSGVO) darüber, welche Daten wir auf
der Beteiligungsplattform $site_name verarbeiten und welche Rechte Sie haben.

# Verantwortliche Stelle

[Gemeinde/Stadt] $site_name, vertreten durch den Bürgermeister bzw. die
Bürgermeisterin, [Straße Hausnummer], [PLZ] $site_name,
Telefon [Telefonnummer], E-Mail [E-Mail-Adresse].
Weitere Angaben finden Sie im [Impressum](/impressum).

# Datenschutzbeauftragte/r

[Vorname Nachname], [Anschrift], E-Mail [E-Mail-Adresse des/der Datenschutzbeauftragten].

# Welche Daten wir verarbeiten

**Kontodaten:** Wenn Sie sich registrieren, speichern wir Ihre E-Mail-Adresse,
Ihren Anzeigenamen und Ihr Passwort. Das Passwort speichern wir nur als
sogenannten Hash, also in einer Form, aus der es sich nicht zurückrechnen lässt.

**Ihre Beiträge:** Wir speichern Kommentare in Diskussionen, Änderungen im Wiki
und Ihre Antworten in Umfragen, jeweils mit Datum. Kommentare und Wiki-Änderungen
sind mit Ihrem Anzeigenamen öffentlich sichtbar. Bei anonymen Umfragen speichern
wir keine Verbindung zwischen Ihren Antworten und Ihrer Person. Wir merken uns
nur, dass Sie bereits teilgenommen haben.

**Moderation:** Wenn Beiträge gemeldet oder ausgeblendet werden, speichern wir
die Meldung, die Entscheidung und die Begründung.

# Cookies und Technik

Wir verwenden nur ein einziges, technisch notwendiges Sitzungs-Cookie. Es hält
Sie angemeldet und schützt Formulare vor Missbrauch. Wir setzen kein Tracking
und keine Analysewerkzeuge ein. Die Plattform lädt keine Schriften, Skripte
oder Bilder von anderen Servern. IP-Adressen speichern wir weder in der
Datenbank noch in Protokolldateien.

# E-Mails

Wir senden Ihnen E-Mails nur, um Ihre E-Mail-Adresse zu bestätigen, um ein neues
Passwort zu setzen und für Benachrichtigungen, zum Beispiel über Antworten auf
Ihre Kommentare. Benachrichtigungen können Sie in Ihrem Profil jederzeit
abschalten.

# Rechtsgrundlagen

Wir verarbeiten Ihre Daten zur Erfüllung unserer Aufgabe im öffentlichen
Interesse, der Beteiligung der Einwohnerinnen und Einwohner, nach
Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit [landesrechtliche Vorschriften,
z. B. Gemeindeordnung und Landesdatenschutzgesetz]. Freiwillige Angaben und
Benachrichtigungen beruhen auf Ihrer Einwilligung nach Art. 6 Abs. 1 lit. a DSGVO.
Eine Einwilligung können Sie jederzeit für die Zukunft widerrufen.

# Speicherdauer

Wir speichern Ihre Kontodaten, solange Ihr Konto besteht. Nicht bestätigte
Registrierungen löschen wir nach [Anzahl] Tagen. Umfrageergebnisse bewahren wir
auf, solange es für die Auswertung und Dokumentation des jeweiligen Vorhabens
nötig ist, längstens [Zeitraum].

# Ihre Daten selbst verwalten

In Ihrem Profil finden Sie die Funktionen **Meine Daten herunterladen** und
**Konto löschen**. Nach dem Löschen entfernen wir Ihre E-Mail-Adresse, Ihren
Anzeigenamen und Ihr Passwort. Ihre Beiträge bleiben erhalten, damit
Diskussionen verständlich bleiben. Sie werden dann als „Gelöschtes Konto“
angezeigt.

# Ihre Rechte

Sie haben das Recht auf

- Auskunft über Ihre gespeicherten Daten (Art. 15 DSGVO),
- Berichtigung unrichtiger Daten (Art. 16 DSGVO),
- Löschung (Art. 17 DSGVO),
- Einschränkung der Verarbeitung (Art. 18 DSGVO),
- Datenübertragbarkeit (Art. 20 DSGVO),
- Widerspruch gegen die Verarbeitung (Art. 21 DSGVO).

Wenden Sie sich dazu gern an die verantwortliche Stelle oder an unsere
Datenschutzbeauftragte bzw. unseren Datenschutzbeauftragten. Außerdem können Sie
sich bei einer Aufsichtsbehörde beschweren, zum Beispiel bei
[Name und Anschrift der Landesdatenschutzbehörde].

Stand: [Datum]
""")

_BARRIEREFREIHEIT = Template("""\
Die [Gemeinde/Stadt] $site_name ist bemüht, ihre Beteiligungsplattform im
Einklang mit den Vorschriften zur Barrierefreiheit zugänglich zu machen. Grundlage
sind die Barrierefreie-Informationstechnik-Verordnung (BITV 2.0), [das
Landesgesetz zur Barrierefreiheit] und die EU-Richtlinie 2016/2102.

Diese Erklärung gilt für die Plattform $site_name unter [Internetadresse].

# Stand der Vereinbarkeit mit den Anforderungen

Diese Website ist [weitgehend vereinbar] mit den Anforderungen der BITV 2.0.

Bei der Entwicklung haben wir unter anderem auf Folgendes geachtet:

- Alle Funktionen lassen sich vollständig mit der Tastatur bedienen. Der
  Tastaturfokus ist deutlich sichtbar.
- Die Seiten sind mit Überschriften, Landmarks und beschrifteten
  Formularfeldern so aufgebaut, dass Screenreader sie gut vorlesen können.
- Die Plattform funktioniert auch ohne JavaScript. Umfragen, Diskussionen und
  das Wiki lassen sich ohne Einschränkung nutzen.
- Die Darstellung passt sich an kleine Bildschirme bis 320 Pixel Breite an,
  ohne dass Sie waagerecht scrollen müssen. Texte lassen sich auf 200 Prozent
  vergrößern.
- Farbkontraste entsprechen den Anforderungen. Informationen werden nicht
  allein über Farbe vermittelt.

# Nicht barrierefreie Inhalte

Die folgenden Inhalte sind nicht oder nur teilweise barrierefrei:

- [Beschreibung, z. B. ältere PDF-Dokumente zu Vorhaben, die nicht vollständig
  barrierefrei sind]
- [Begründung und gegebenenfalls barrierefreie Alternative]

Beiträge von Nutzerinnen und Nutzern, etwa Kommentare oder Wiki-Texte, prüfen
wir nicht vorab auf Barrierefreiheit. Die Plattform unterstützt aber eine klare
Textstruktur mit Überschriften und Listen.

# Erstellung dieser Erklärung

Diese Erklärung wurde am [Datum] erstellt. Grundlage ist [eine Selbstbewertung /
ein Prüfbericht von Name der Prüfstelle vom Datum]. Zuletzt überprüft wurde die
Erklärung am [Datum].

# Feedback und Kontakt: Barriere melden

Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Oder benötigen Sie
Informationen in einer barrierefreien Form? Dann schreiben Sie uns gern:

- E-Mail: [E-Mail-Adresse für Barrierefreiheit]
- Telefon: [Telefonnummer]
- Post: [Gemeinde/Stadt] $site_name, [Straße Hausnummer], [PLZ] $site_name

Bitte beschreiben Sie kurz, auf welcher Seite und bei welcher Funktion die
Barriere aufgetreten ist. Wir antworten Ihnen so schnell wie möglich, spätestens
innerhalb von [Anzahl] Wochen.

# Durchsetzungsverfahren und Schlichtungsstelle

Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können
Sie sich an die zuständige Stelle wenden:

- [Name der Durchsetzungsstelle bzw. Schlichtungsstelle des Landes]
- [Anschrift]
- [E-Mail-Adresse und Internetadresse]

Für Angebote öffentlicher Stellen des Bundes ist die Schlichtungsstelle nach
§ 16 des Behindertengleichstellungsgesetzes (BGG) zuständig. Für Kommunen gilt
in der Regel das Verfahren des jeweiligen Landes. Das Schlichtungsverfahren ist
für Sie kostenlos. Sie brauchen dafür keinen Rechtsbeistand.
""")

_NETIQUETTE = Template("""\
Auf $site_name diskutieren Menschen aus unserer Gemeinde über Vorhaben, die uns
alle betreffen. Damit das gut gelingt, bitten wir Sie, die folgenden Regeln zu
beachten. Sie gelten für Kommentare, Wiki-Beiträge und Anzeigenamen.

# Die Regeln

1. **Respektvoller Umgangston.** Begegnen Sie anderen freundlich und sachlich,
   auch wenn Sie anderer Meinung sind. Kritisieren Sie Argumente, nicht Personen.
2. **Keine Beleidigungen und keine Hassrede.** Beleidigungen, Drohungen,
   Herabwürdigungen und diskriminierende Äußerungen, etwa wegen Herkunft,
   Religion, Geschlecht, Behinderung, Alter oder sexueller Orientierung, sind
   nicht erlaubt.
3. **Beim Thema bleiben.** Bitte schreiben Sie zum Thema der jeweiligen
   Diskussion. Für neue Themen gibt es passende Bereiche oder die Möglichkeit,
   ein Anliegen an die Verwaltung zu richten.
4. **Keine persönlichen Daten anderer.** Veröffentlichen Sie keine Namen,
   Adressen, Telefonnummern, Fotos oder andere persönliche Angaben von
   Menschen, die damit nicht einverstanden sind.
5. **Keine rechtswidrigen Inhalte.** Inhalte, die gegen Gesetze verstoßen,
   etwa Urheberrechtsverletzungen, Verleumdungen oder Aufrufe zu Straftaten,
   werden entfernt.
6. **Keine Werbung und kein Spam.** Kommerzielle Werbung, Kettenbriefe und
   wiederholt gleiche Beiträge sind nicht erlaubt. Auch Wahlwerbung gehört
   nicht auf diese Plattform.
7. **Quellen angeben.** Wenn Sie Tatsachen behaupten oder Zahlen nennen, geben
   Sie bitte nach Möglichkeit eine Quelle an, zum Beispiel als Link.
8. **Ein Konto pro Person.** Bitte nutzen Sie nur ein Konto und geben Sie sich
   nicht als eine andere Person oder als Verwaltung aus.

# So funktioniert die Moderation

**Melden:** Wenn Ihnen ein Beitrag auffällt, der gegen diese Regeln verstößt,
nutzen Sie bitte die Funktion „Melden“ unter dem Beitrag. Geben Sie kurz an,
gegen welche Regel der Beitrag aus Ihrer Sicht verstößt.

**Prüfung durch einen Menschen:** Jede Meldung prüft eine Person aus dem
Moderationsteam. Über das Ausblenden von Beiträgen entscheidet kein
automatisches System, sondern immer ein Mensch.

**Ausblenden mit Begründung:** Verstößt ein Beitrag gegen die Regeln, wird er
ausgeblendet. An seiner Stelle erscheint ein Hinweis. Die Verfasserin oder der
Verfasser erfährt, welche Regel verletzt wurde, zum Beispiel „Regel 3: Beim
Thema bleiben“. So können Sie Ihren Beitrag nachvollziehen und bei Bedarf
überarbeitet neu schreiben.

**Widerspruch:** Wenn Sie mit einer Entscheidung nicht einverstanden sind,
können Sie Widerspruch einlegen. Eine andere Person aus dem Moderationsteam
prüft den Fall dann erneut und teilt Ihnen das Ergebnis mit.

**Wiederholte Verstöße:** Bei schweren oder wiederholten Verstößen kann ein
Konto vorübergehend oder dauerhaft gesperrt werden. Auch darüber werden Sie mit
Begründung informiert.

# Fragen?

Haben Sie Fragen zur Moderation oder Anregungen zu diesen Regeln? Schreiben Sie
uns an [E-Mail-Adresse der Moderation]. Vielen Dank, dass Sie zu einer fairen
Diskussion in $site_name beitragen.
""")

_TEXTS = {
    "impressum": _IMPRESSUM,
    "datenschutz": _DATENSCHUTZ,
    "barrierefreiheit": _BARRIEREFREIHEIT,
    "netiquette": _NETIQUETTE,
    "leichte-sprache": LEICHTE_SPRACHE,
    "gebaerdensprache": GEBAERDENSPRACHE,
}


def legal_page_title(slug: str) -> str:
    """Return the lazily translated title of the legal page ``slug``."""
    return _TITLES[slug]


# A line that starts a Markdown block of its own (heading, list item, table row, quote).
_BLOCK_START = re.compile(r"^\s*(#|[-*+] |\d+\. |\||>)")


def unwrap_paragraphs(text: str) -> str:
    """Join the lines of each paragraph and list item into one line.

    The templates are wrapped for reading in the source; the renderer turns every newline inside a
    paragraph into a <br>, so the stored text must have none.
    """
    lines: list[str] = []
    for line in text.splitlines():
        previous = lines[-1] if lines else ""
        joinable = previous.strip() and not previous.lstrip().startswith(("#", "|"))
        if joinable and line.strip() and not _BLOCK_START.match(line):
            lines[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def default_legal_text(slug: str, site_name: str) -> str:
    """Return the German Markdown default text for ``slug``; KeyError if unknown."""
    return unwrap_paragraphs(_TEXTS[slug].substitute(site_name=site_name))
