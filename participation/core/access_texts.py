"""German default texts for the pages BITV 2.0 § 4 asks for: Leichte Sprache and Gebärdensprache."""

from __future__ import annotations

from string import Template

# Leichte Sprache: short sentences, one statement per paragraph (so each stands on its own line).
LEICHTE_SPRACHE = Template("""\
# Was ist diese Internet-Seite?

Das ist die Internet-Seite für Beteiligung in $site_name.

Beteiligung heißt: Sie können mit-reden.

Die Stadt-Verwaltung plant Dinge für $site_name.

Zum Beispiel einen neuen Spiel-Platz.

Oder einen neuen Rad-Weg.

Sie können sagen, was Sie darüber denken.

Die Stadt-Verwaltung liest Ihre Meinung.

# Was gibt es auf dieser Internet-Seite?

## Vorhaben

Ein Vorhaben ist ein Plan der Stadt.

Sie lesen hier: Was plant die Stadt? Wo? Und wann?

## Umfragen

Bei einer Umfrage stellt die Stadt Fragen.

Sie können die Fragen beantworten.

Sie können bei jeder Umfrage nur ein Mal mit-machen.

## Diskussionen

Bei einer Diskussion schreiben Menschen ihre Meinung zu einem Vorhaben.

Sie können auch etwas schreiben.

Sie können auf andere Beiträge antworten.

Beiträge von der Stadt-Verwaltung haben ein Zeichen: **Stadtverwaltung**.

## Wissens-Seiten

Auf den Wissens-Seiten steht Wissen über $site_name.

Sie können die Seiten lesen.

Sie können auch etwas ändern.

Eine Person aus der Stadt-Verwaltung prüft die Änderung zuerst.

# Wie kann ich mit-machen?

Lesen können Sie alles ohne Anmeldung.

Zum Schreiben brauchen Sie ein Konto.

Ein Konto ist wie ein Schlüssel für diese Internet-Seite.

Sie machen das Konto mit Ihrer E-Mail-Adresse.

Sie bekommen dann eine E-Mail.

In der E-Mail ist ein Link.

Klicken Sie auf den Link.

Dann können Sie mit-machen.

Manche Menschen haben einen Brief mit einem Code bekommen.

Mit dem Code können sie bei einer Umfrage mit-machen.

Dafür brauchen sie kein Konto.

# Regeln

Bitte schreiben Sie freundlich.

Bitte beleidigen Sie niemanden.

Die Regeln stehen in der [Netiquette](/netiquette).

# Wo bekomme ich Hilfe?

Sie haben eine Frage?

Oder Sie brauchen Hilfe?

Dann rufen Sie uns an: [Telefon-Nummer].

Oder schreiben Sie uns eine E-Mail: [E-Mail-Adresse].

Oder kommen Sie in das Bürger-Büro: [Adresse und Öffnungs-Zeiten].

Wir helfen Ihnen gerne.
""")

GEBAERDENSPRACHE = Template("""\
**Hinweis für die Verwaltung: Bitte ersetzen Sie die Angaben in eckigen Klammern und löschen Sie
diesen Hinweis.**

Hier erklärt die [Gemeinde/Stadt] $site_name in Deutscher Gebärdensprache, was Sie auf dieser
Beteiligungsplattform finden und wie Sie mitmachen können.

[Hier steht der Link zum Video in Deutscher Gebärdensprache. Legen Sie die Videodatei auf dem
Server der Stadt ab, zum Beispiel unter `/static/dgs/beteiligung.mp4`, und verlinken Sie sie
hier mit Länge und Format, etwa „Video in Gebärdensprache ansehen (MP4, 3 Minuten)“. Binden
Sie kein Video von einer anderen Internetseite ein: Das würde Daten der Besucherinnen und
Besucher an Dritte senden.]

# Kontakt für gehörlose und schwerhörige Menschen

Sie erreichen uns per E-Mail unter [E-Mail-Adresse] und per Fax unter [Faxnummer].
[Falls vorhanden: Gebärdensprach-Videotelefonie oder Termine mit Gebärdensprachdolmetschung
im Bürgerbüro, mit Zeiten und Ansprechperson.]

Informationen in Leichter Sprache finden Sie auf der Seite [Leichte Sprache](/leichte-sprache).
""")
