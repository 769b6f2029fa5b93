"""LimeSurvey import, part one: read a .lss structure file safely into plain data (no database).

Both layouts are read: LimeSurvey 3.x keeps the texts in the question, group and answer rows (one row
per language), 4.x and later keep them in *_l10ns tables. Only the survey's base language is taken.
The mapping to this platform's question types is in limesurvey_mapping.py.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext as _

from participation.core.validators import has_forbidden_characters

# A questionnaire's structure is small (a 100-question survey is about 300 kB); the limit is checked
# on the raw bytes before the parser sees anything.
MAX_BYTES = 2 * 1024 * 1024
# Far above any real questionnaire; keeps one request's work (each question is a builder call) bounded.
MAX_QUESTIONS = 500


class ImportRefused(Exception):
    """The upload is not a LimeSurvey structure file we read; `message` says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LssQuestion:
    """One LimeSurvey question with its texts in the base language."""

    qid: str
    code: str
    qtype: str
    text: str
    help: str = ""
    mandatory: bool = False
    other: bool = False
    relevance: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    subquestions: list[tuple[str, str]] = field(default_factory=list)
    answers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class LssGroup:
    """A question group (becomes a page)."""

    gid: str
    title: str
    description: str = ""
    relevance: str = ""
    questions: list[LssQuestion] = field(default_factory=list)


@dataclass
class LssSurvey:
    """The structure file's content: title, base language, groups in order."""

    title: str
    intro: str
    language: str
    layout: str  # "3" (texts in the rows) or "5" (texts in *_l10ns)
    groups: list[LssGroup] = field(default_factory=list)


def read_upload(stream: IO[bytes]) -> LssSurvey:
    """Read at most MAX_BYTES from the upload and parse it; larger files are refused unread."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("Die Datei ist größer als 2 MB. Bitte laden Sie nur die Umfragestruktur (.lss) hoch.")
        )
    return parse(data)


def parse(data: bytes) -> LssSurvey:
    """Parse the bytes with DTDs, entities and external references refused."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportRefused(
            _(
                "Die Datei enthält eine Dokumenttypdefinition oder Entitäten und wird aus Sicherheitsgründen "
                "nicht gelesen. Eine LimeSurvey-Umfragestruktur (.lss) enthält so etwas nicht."
            )
        ) from None
    except (ParseError, ValueError):
        raise ImportRefused(
            _("Die Datei ist keine lesbare XML-Datei. Bitte laden Sie eine .lss-Datei hoch.")
        ) from None
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise ImportRefused(
            _(
                "Die Datei ist keine LimeSurvey-Umfragestruktur. Bitte exportieren Sie in LimeSurvey "
                "„Umfragestruktur (.lss)“ und laden Sie diese Datei hoch."
            )
        )
    survey = _read(root)
    if not survey.groups:
        raise ImportRefused(_("Die Datei enthält keine Fragengruppen, also nichts zu übernehmen."))
    if sum(len(group.questions) for group in survey.groups) > MAX_QUESTIONS:
        raise ImportRefused(
            _(
                "Die Datei enthält mehr als %(max)s Fragen; so viele übernimmt der Import nicht.",
                max=MAX_QUESTIONS,
            )
        )
    return survey


def _rows(root: Element, table: str) -> list[dict[str, str]]:
    """A table of the document as a list of {column: text}."""
    return [{cell.tag: (cell.text or "") for cell in row} for row in root.findall(f"./{table}/rows/row")]


def _int(text: str | None) -> int:
    """A sort key from a column (missing or broken numbers sort first)."""
    try:
        return int((text or "").strip())
    except ValueError:
        return 0


def _base_language(root: Element) -> str:
    """The survey's base language (surveys.language), else the first listed language."""
    surveys = _rows(root, "surveys")
    if surveys and surveys[0].get("language", "").strip():
        return surveys[0]["language"].strip()
    return (root.findtext("./languages/language") or "").strip()


def _in_language(rows: list[dict[str, str]], language: str) -> list[dict[str, str]]:
    """Rows of the base language (rows without a language column belong to every language)."""
    return [r for r in rows if r.get("language", language) in (language, "")]


def _read(root: Element) -> LssSurvey:
    """Collect groups, questions, subquestions and answers in their LimeSurvey order."""
    language = _base_language(root)
    layout = "5" if root.find("question_l10ns") is not None else "3"
    settings = _in_language(_rows(root, "surveys_languagesettings"), language)
    setting = next((s for s in settings if s.get("surveyls_language") in (language, None)), {})
    survey = LssSurvey(
        title=plain_text(setting.get("surveyls_title", "")),
        intro=plain_text(setting.get("surveyls_description", "")),
        language=language,
        layout=layout,
    )
    question_texts = _l10n(root, "question_l10ns", "qid", language)
    group_texts = _l10n(root, "group_l10ns", "gid", language)
    groups = _in_language(_rows(root, "groups"), language)
    for row in sorted(groups, key=lambda r: _int(r.get("group_order"))):
        texts = group_texts.get(row.get("gid", ""), row)
        survey.groups.append(
            LssGroup(
                gid=row.get("gid", ""),
                title=plain_text(texts.get("group_name", "")),
                description=plain_text(texts.get("description", "")),
                relevance=(row.get("grelevance") or "").strip(),
            )
        )
    by_gid = {g.gid: g for g in survey.groups}
    attributes = _attributes(root, language)
    answers = _answers(root, language, layout)
    questions = _in_language(_rows(root, "questions"), language)
    for row in sorted(questions, key=lambda r: _int(r.get("question_order"))):
        if row.get("parent_qid", "0") not in ("0", "") or row.get("gid", "") not in by_gid:
            continue
        qid = row.get("qid", "")
        texts = question_texts.get(qid, row)
        by_gid[row["gid"]].questions.append(
            LssQuestion(
                qid=qid,
                code=row.get("title", "").strip(),
                qtype=row.get("type", "").strip(),
                text=plain_text(texts.get("question", "")),
                help=plain_text(texts.get("help", "")),
                mandatory=row.get("mandatory", "").strip().upper() == "Y",
                other=row.get("other", "").strip().upper() == "Y",
                relevance=(row.get("relevance") or "").strip(),
                attributes=attributes.get(qid, {}),
                answers=answers.get(qid, {}),
            )
        )
    _add_subquestions(root, survey, language, question_texts)
    return survey


def _l10n(root: Element, table: str, key: str, language: str) -> dict[str, dict[str, str]]:
    """The 5.x texts of one table in the base language, by question/group id."""
    return {r.get(key, ""): r for r in _rows(root, table) if r.get("language") == language}


def _attributes(root: Element, language: str) -> dict[str, dict[str, str]]:
    """Question attributes (limits and the like) by question id."""
    result: dict[str, dict[str, str]] = {}
    for row in _in_language(_rows(root, "question_attributes"), language):
        result.setdefault(row.get("qid", ""), {})[row.get("attribute", "")] = (row.get("value") or "").strip()
    return result


def _answers(root: Element, language: str, layout: str) -> dict[str, dict[int, list[tuple[str, str]]]]:
    """Answer options (code, text) by question id and scale, in their order."""
    texts = _l10n(root, "answer_l10ns", "aid", language) if layout == "5" else {}
    rows = _rows(root, "answers") if layout == "5" else _in_language(_rows(root, "answers"), language)
    result: dict[str, dict[int, list[tuple[str, str]]]] = {}
    for row in sorted(rows, key=lambda r: _int(r.get("sortorder"))):
        text = texts.get(row.get("aid", ""), row).get("answer", "")
        scales = result.setdefault(row.get("qid", ""), {})
        scales.setdefault(_int(row.get("scale_id")), []).append(
            (row.get("code", "").strip(), plain_text(text))
        )
    return result


def _add_subquestions(
    root: Element, survey: LssSurvey, language: str, texts: dict[str, dict[str, str]]
) -> None:
    """Attach subquestions (matrix rows, multiple-choice options) of the first scale to their parents."""
    parents = {q.qid: q for g in survey.groups for q in g.questions}
    # 3.x and 5.x both export subquestions as their own table; some files keep them in "questions".
    rows = _in_language(_rows(root, "subquestions") + _rows(root, "questions"), language)
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: _int(r.get("question_order"))):
        parent = parents.get(row.get("parent_qid", ""))
        if parent is None or _int(row.get("scale_id")) != 0 or row.get("qid", "") in seen:
            continue
        seen.add(row.get("qid", ""))
        text = texts.get(row.get("qid", ""), row).get("question", "")
        parent.subquestions.append((row.get("title", "").strip(), plain_text(text)))


class _TextOnly(HTMLParser):
    """Collects the text of LimeSurvey's HTML (question texts are edited in a rich-text editor)."""

    BREAKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(markup: str) -> str:
    """HTML to plain text: tags dropped, entities resolved, control characters removed, lines trimmed."""
    parser = _TextOnly()
    parser.feed(markup or "")
    parser.close()
    text = unicodedata.normalize("NFC", "".join(parser.parts).replace("\xa0", " "))
    text = "".join(c for c in text if c == "\n" or not has_forbidden_characters(c))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    return "\n".join(paragraphs).strip()
