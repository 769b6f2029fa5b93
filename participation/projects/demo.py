"""The three Musterstadt demo projects (idempotent: existing slugs are left alone)."""

# ruff: noqa: E501  (German demo prose reads better unwrapped)

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from participation.extensions import db
from participation.projects.models import Phase, Project

PROJECTS: list[dict[str, Any]] = [
    {
        "slug": "neugestaltung-marktplatz",
        "title": "Neugestaltung Marktplatz",
        "summary": "Der Marktplatz soll grüner, barrierefrei und zum Verweilen einladend werden. "
        "Bis Ende Juni sammeln wir Ihre Ideen für Bäume, Sitzplätze, Wasser und den Wochenmarkt.",
        "description": (
            "Der Marktplatz ist das Herz der Altstadt – und im Sommer eine der heißesten Flächen der Stadt. "
            "Das Pflaster stammt aus den 1970er-Jahren, ist an vielen Stellen abgesackt und für Menschen mit "
            "Rollator oder Kinderwagen schwer zu begehen.\n\n"
            "### Was geplant ist\n\n"
            "- mindestens zwölf neue, große Bäume mit unterirdischen Wasserspeichern\n"
            "- ein ebener, heller Belag ohne Stufen zwischen Rathaus und Kirche\n"
            "- Sitzbänke mit Rücken- und Armlehnen im Schatten\n"
            "- ein Wasserspiel für Kinder, das im Winter abgeschaltet wird\n"
            "- der Wochenmarkt (dienstags und samstags) bleibt auf dem Platz\n\n"
            "### Was Sie beitragen können\n\n"
            "Zwei Entwürfe des Büros Grünraum & Stadt liegen vor. Diskutieren Sie mit: Was fehlt Ihnen auf dem Platz, "
            "was soll auf keinen Fall verschwinden? Die Ergebnisse fließen in die Entscheidung des Bauausschusses im "
            "Herbst ein."
        ),
        "district": "Altstadt",
        "location_text": "Marktplatz zwischen Rathaus und St.-Marien-Kirche",
        "phase": Phase.PARTICIPATION.value,
        "department": "Stadtplanungsamt, Abteilung Freiraumplanung",
        "contact": "Frau Paula Planerin, Telefon 01234 567-210, stadtplanung@musterstadt.example",
        "dates": {
            "information": (date(2026, 2, 1), date(2026, 4, 30)),
            "participation": (date(2026, 5, 1), date(2026, 6, 30)),
            "evaluation": (date(2026, 7, 1), date(2026, 9, 30)),
            "implementation": (date(2027, 3, 1), date(2028, 6, 30)),
        },
    },
    {
        "slug": "radweg-bahnhofstrasse",
        "title": "Radweg Bahnhofstraße",
        "summary": "Zwischen Bahnhof und Schulzentrum entsteht ein durchgehender, geschützter Radweg. "
        "Wie sollen Parkplätze, Lieferzonen und Bushaltestellen künftig angeordnet werden?",
        "description": (
            "Auf der Bahnhofstraße fahren täglich rund 2.800 Radfahrende, viele davon Schülerinnen und Schüler. "
            "Heute endet der Radstreifen an der Einmündung Lindenallee; danach teilen sich Rad und Auto eine enge Fahrbahn.\n\n"
            "### Die Varianten\n\n"
            "1. **Geschützter Radfahrstreifen** auf beiden Seiten, 2,25 m breit, mit Trennelementen. "
            "Etwa 40 der 65 Parkplätze entfallen.\n"
            "2. **Zweirichtungsradweg** auf der Westseite, 3,00 m breit. Die Parkplätze auf der Ostseite bleiben.\n\n"
            "Beide Varianten bekommen eine sichere Querung am Schulzentrum und Lieferzonen vor den Geschäften. "
            "Die Verkehrszählung und die Planunterlagen finden Sie unten verlinkt."
        ),
        "district": "Bahnhofsviertel",
        "location_text": "Bahnhofstraße zwischen Bahnhofsvorplatz und Schulzentrum Nord",
        "phase": Phase.INFORMATION.value,
        "department": "Tiefbauamt, Sachgebiet Verkehrsplanung",
        "contact": "Herr Jonas Weber, Telefon 01234 567-330, verkehrsplanung@musterstadt.example",
        "dates": {
            "information": (date(2026, 4, 1), date(2026, 7, 31)),
            "participation": (date(2026, 8, 1), date(2026, 9, 30)),
        },
    },
    {
        "slug": "spielplatz-lindenpark",
        "title": "Spielplatz im Lindenpark",
        "summary": "Der alte Spielplatz im Lindenpark wird erneuert. Kinder und Eltern haben mitgeplant – "
        "jetzt wird gebaut, und wir berichten hier über den Fortschritt.",
        "description": (
            "Im vergangenen Jahr haben über 300 Kinder, Eltern und Großeltern ihre Wünsche für den neuen Spielplatz "
            "eingebracht. Am häufigsten genannt wurden eine Kletterlandschaft, mehr Schatten, eine Wasser-Matsch-Anlage "
            "und Spielgeräte, die auch Kinder im Rollstuhl nutzen können.\n\n"
            "### Der Stand\n\n"
            "- Die alten Geräte sind abgebaut, der Boden ist vorbereitet.\n"
            "- Die Kletterlandschaft „Lindenbaumhaus“ wird im Juni aufgestellt.\n"
            "- Das Nestschaukel-Karussell ist mit dem Rollstuhl befahrbar.\n\n"
            "Die Eröffnung ist für Ende August geplant. Fragen zum Bau beantwortet das Grünflächenamt hier in der Diskussion."
        ),
        "district": "Lindenviertel",
        "location_text": "Lindenpark, Eingang Parkstraße",
        "phase": Phase.IMPLEMENTATION.value,
        "department": "Grünflächenamt",
        "contact": "Frau Sabine Krause, Telefon 01234 567-450, gruenflaechen@musterstadt.example",
        "dates": {
            "information": (date(2025, 3, 1), date(2025, 4, 30)),
            "participation": (date(2025, 5, 1), date(2025, 7, 15)),
            "evaluation": (date(2025, 7, 16), date(2025, 10, 31)),
            "implementation": (date(2026, 4, 1), date(2026, 8, 31)),
        },
    },
]


def seed_projects(users: dict) -> None:
    """Create the demo projects that do not exist yet."""
    planner = users.get("planung@musterstadt.example")
    for spec in PROJECTS:
        if db.session.scalar(select(Project.id).where(Project.slug == spec["slug"])) is not None:
            continue
        fields = {key: value for key, value in spec.items() if key != "dates"}
        project = Project(**fields, created_by_id=planner.id if planner else None)
        project.set_phase_dates(spec["dates"])
        db.session.add(project)
    db.session.flush()
