"""LimeSurvey import, part two: map the read structure to this platform's types and conditions.

Only what has an equal here is taken; everything else is listed with its code and the reason
("nicht übernommen"), never approximated silently. Plain data in, plain data out (no database).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from participation.surveys.builder.limesurvey import LssGroup, LssQuestion, LssSurvey
from participation.surveys.builder.limesurvey_relevance import (
    PlannedCondition,
    Unmapped,
    cut,
    decimal_text,
    parse_relevance,
    whole,
)

# Lengths of the builder's forms and columns (question text 2000, option label 300, titles 200).
TEXT_MAX, LABEL_MAX, TITLE_MAX, SCALE_LABEL_MAX = 2000, 300, 200, 60
SINGLE, MULTIPLE, ARRAYS = {"L", "!", "G"}, {"M", "P"}, {"F", "H", "A", "B", "C", "E"}
SIMPLE = {"S": "short_text", "T": "long_text", "U": "long_text", "Y": "yesno", "D": "date", "X": "display"}
# LimeSurvey's fixed arrays: points and the end labels of its own wording (keys of WORDS or digits).
FIXED_SCALES = {"A": (5, "1", "5"), "B": (10, "1", "10"), "C": (3, "yes", "no"), "E": (3, "more", "less")}
# Labels LimeSurvey supplies itself become survey content in the file's language, not the planner's
# interface language (German for a German survey, English otherwise).
WORDS = {
    "de": {
        "female": "weiblich", "male": "männlich", "other": "Sonstiges", "yes": "Ja", "no": "Nein",
        "more": "Zunahme", "less": "Abnahme", "title": "LimeSurvey-Import",
    },
    "en": {
        "female": "female", "male": "male", "other": "Other", "yes": "Yes", "no": "No",
        "more": "Increase", "less": "Decrease", "title": "LimeSurvey import",
    },
}  # fmt: skip


def words_for(language: str) -> dict[str, str]:
    """The built-in labels in the survey's base language (English for any language but German)."""
    return WORDS["de"] if not language or language.lower().startswith("de") else WORDS["en"]


@dataclass
class PlannedQuestion:
    """A question as the builder services will create it; options and rows keep their LimeSurvey codes."""

    code: str
    lss_type: str
    qtype: str
    text: str
    help_text: str = ""
    mandatory: bool = False
    settings: dict = field(default_factory=dict)
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # (code, label, is_other)
    rows: list[tuple[str, str]] = field(default_factory=list)
    conditions: list[PlannedCondition] = field(default_factory=list)
    mode: str = "all"


@dataclass
class PlannedPage:
    """A page from a question group."""

    title: str
    questions: list[PlannedQuestion] = field(default_factory=list)
    conditions: list[PlannedCondition] = field(default_factory=list)
    mode: str = "all"


@dataclass
class Plan:
    """What the import will create, what it leaves out (code, reason) and what it adapted (code, note)."""

    title: str
    intro: str
    language: str
    layout: str
    pages: list[PlannedPage] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def plan_import(survey: LssSurvey) -> Plan:
    """Map groups to pages and questions to types; conditions only onto questions mapped before them."""
    plan = Plan(
        title=cut(survey.title or words_for(survey.language)["title"], TITLE_MAX),
        intro=survey.intro,
        language=survey.language,
        layout=survey.layout,
    )
    earlier: dict[str, PlannedQuestion] = {}
    for group in survey.groups:
        page = PlannedPage(title=cut(group.title, TITLE_MAX))
        _page_conditions(plan, page, group, earlier)
        on_page: dict[str, PlannedQuestion] = {}
        for lss in group.questions:
            try:
                question = map_question(lss, plan.notes, words_for(survey.language))
            except Unmapped as exc:
                plan.skipped.append((lss.code, str(exc)))
                continue
            try:
                question.conditions, question.mode = parse_relevance(lss.relevance, earlier | on_page)
            except Unmapped as exc:
                plan.skipped.append(
                    (
                        lss.code,
                        _(
                            "Bedingung „%(expr)s“: %(reason)s Die Frage wird immer gezeigt.",
                            expr=lss.relevance,
                            reason=exc,
                        ),
                    )
                )
            page.questions.append(question)
            on_page[lss.code] = question
        earlier |= on_page
        plan.pages.append(page)
    return plan


def _page_conditions(plan: Plan, page: PlannedPage, group: LssGroup, earlier: dict) -> None:
    """A group's relevance becomes the page's conditions (sources on earlier pages only)."""
    try:
        page.conditions, page.mode = parse_relevance(group.relevance, earlier)
    except Unmapped as exc:
        label = _("Gruppe „%(title)s“", title=group.title)
        plan.skipped.append(
            (
                label,
                _(
                    "Bedingung „%(expr)s“: %(reason)s Die Seite wird immer gezeigt.",
                    expr=group.relevance,
                    reason=exc,
                ),
            )
        )


def map_question(lss: LssQuestion, notes: list[tuple[str, str]], words: dict[str, str]) -> PlannedQuestion:
    """One question in this platform's terms, or Unmapped with the reason."""
    if not lss.code:
        raise Unmapped(_("Die Frage hat keinen Code."))
    text = lss.text or lss.code
    if len(text) > TEXT_MAX:
        notes.append(
            (lss.code, _("Der Fragetext war länger als %(max)s Zeichen und ist gekürzt.", max=TEXT_MAX))
        )
    question = PlannedQuestion(
        code=lss.code,
        lss_type=lss.qtype,
        qtype="",
        text=cut(text, TEXT_MAX),
        help_text=cut(lss.help, TEXT_MAX),
        mandatory=lss.mandatory and lss.qtype != "X",
    )
    kind = lss.qtype
    if kind in SIMPLE:
        question.qtype = SIMPLE[kind]
        _text_limit(question, lss)
    elif kind in SINGLE:
        _single(question, lss, words)
    elif kind in MULTIPLE or kind == "R":
        _multiple_or_ranking(question, lss, notes, words)
    elif kind == "N":
        question.qtype = "number"
        _number(question, lss)
    elif kind == "5":
        question.qtype, question.settings = "scale", {"scale_min": 1, "scale_max": 5}
    elif kind in ARRAYS:
        _array(question, lss, notes, words)
    else:
        raise Unmapped(_unmapped_reason(kind))
    return question


def _unmapped_reason(kind: str) -> str:
    """Why a LimeSurvey question type has no equal here."""
    reasons = {
        "K": _(
            "Mehrere Zahlenfelder in einer Frage (Typ K) gibt es hier nicht; "
            "bitte als einzelne Zahl-Fragen anlegen."
        ),
        "Q": _(
            "Mehrere Textfelder in einer Frage (Typ Q) gibt es hier nicht; "
            "bitte als einzelne Textfragen anlegen."
        ),
        "O": _(
            "Liste mit Kommentar (Typ O) gibt es hier nicht; "
            "bitte als Einfachauswahl mit „Sonstiges“ anlegen."
        ),
        "1": _("Matrix mit zwei Skalen (Typ 1) gibt es hier nicht."),
        ";": _("Matrix mit Textfeldern (Typ ;) gibt es hier nicht."),
        ":": _("Matrix mit Zahlenfeldern (Typ :) gibt es hier nicht."),
        "|": _("Datei-Uploads (Typ |) gibt es in Umfragen hier nicht."),
        "*": _("Gleichungen (Typ *) werden nicht berechnet."),
        "I": _("Die Sprachauswahl (Typ I) entfällt; die Umfrage ist einsprachig übernommen."),
    }
    return reasons.get(kind, _("Der Fragetyp „%(type)s“ hat hier keine Entsprechung.", type=kind))


def _single(question: PlannedQuestion, lss: LssQuestion, words: dict[str, str]) -> None:
    """List (radio/dropdown) and gender: single choice with the answer options."""
    question.qtype = "single"
    question.settings = {"display": "dropdown" if lss.qtype == "!" else "radio"}
    if lss.qtype == "G":
        question.options = [("F", words["female"], False), ("M", words["male"], False)]
        return
    question.options = [
        (code, cut(label or code, LABEL_MAX), False) for code, label in lss.answers.get(0, [])
    ]
    if not question.options:
        raise Unmapped(_("Die Liste hat keine Antwortoptionen."))
    if lss.other:
        question.options.append(("-oth-", words["other"], True))


def _multiple_or_ranking(
    question: PlannedQuestion, lss: LssQuestion, notes: list, words: dict[str, str]
) -> None:
    """Multiple choice (subquestions become options) and ranking (answers become options)."""
    if lss.qtype == "R":
        question.qtype = "ranking"
        question.options = [(c, cut(label or c, LABEL_MAX), False) for c, label in lss.answers.get(0, [])]
    else:
        question.qtype = "multiple"
        question.options = [(c, cut(label or c, LABEL_MAX), False) for c, label in lss.subquestions]
        if lss.other:
            question.options.append(("other", words["other"], True))
        low, high = whole(lss.attributes.get("min_answers")), whole(lss.attributes.get("max_answers"))
        question.settings = {k: v for k, v in (("min_choices", low), ("max_choices", high)) if v}
        if lss.qtype == "P":
            notes.append((lss.code, _("Die Kommentarfelder je Antwort (Typ P) entfallen.")))
    if len(question.options) < 2:
        raise Unmapped(_("Die Frage hat weniger als zwei Antwortoptionen."))


def _number(question: PlannedQuestion, lss: LssQuestion) -> None:
    """Numerical input: decimals unless LimeSurvey asked for integers; its limits."""
    attrs = lss.attributes
    settings: dict = {} if attrs.get("num_value_int_only") == "1" else {"decimal": True}
    for ours, theirs in (("min", "min_num_value_n"), ("max", "max_num_value_n")):
        value = decimal_text(attrs.get(theirs))
        if value is not None:
            settings[ours] = value
    question.settings = settings


def _text_limit(question: PlannedQuestion, lss: LssQuestion) -> None:
    """Text questions keep LimeSurvey's maximum length."""
    limit = whole(lss.attributes.get("maximum_chars"))
    if question.qtype in ("short_text", "long_text") and limit and limit <= 20000:
        question.settings = {"max_length": limit}


def _array(question: PlannedQuestion, lss: LssQuestion, notes: list, words: dict[str, str]) -> None:
    """Arrays become a matrix: subquestions as rows, the columns as a scale 1..n (2 to 10 points)."""
    question.qtype = "matrix"
    question.rows = [(c, cut(label or c, LABEL_MAX)) for c, label in lss.subquestions]
    if not question.rows:
        raise Unmapped(_("Die Matrix hat keine Zeilen (Teilfragen)."))
    if lss.qtype in FIXED_SCALES:
        points, low, high = FIXED_SCALES[lss.qtype]
        labels = [words.get(low, low), words.get(high, high)]
    else:
        columns = lss.answers.get(0, [])
        if not 2 <= len(columns) <= 10:
            raise Unmapped(
                _("Die Matrix hat %(count)s Spalten; übernommen werden 2 bis 10.", count=len(columns))
            )
        points, labels = len(columns), [columns[0][1], columns[-1][1]]
        if len(columns) > 2:
            middle = ", ".join(f"{i} = {label}" for i, (_code, label) in enumerate(columns[1:-1], start=2))
            notes.append(
                (
                    lss.code,
                    _(
                        "Spalten als Skala 1–%(n)s übernommen; "
                        "Beschriftungen dazwischen entfallen (%(middle)s).",
                        n=points,
                        middle=middle,
                    ),
                )
            )
    if lss.qtype in ("C", "E"):
        notes.append((lss.code, _("Die drei festen Spalten sind als Skala 1–3 übernommen.")))
    question.settings = {
        "scale_min": 1,
        "scale_max": points,
        "label_min": cut(labels[0], SCALE_LABEL_MAX),
        "label_max": cut(labels[1], SCALE_LABEL_MAX),
    }
