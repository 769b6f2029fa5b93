"""The codebook sheet: what every column, code and missing value of an export means."""

from __future__ import annotations

from collections.abc import Iterator

from participation.surveys.exports.columns import DONT_KNOW_LABEL, NO_ANSWER, NOT_SHOWN, WEIGHT
from participation.surveys.questions import DONT_KNOW, qtype
from participation.surveys.weighting.contract import SurveyWeights

HEADER = ["Code", "Frage / Text", "Typ", "Antwortcode", "Antwort"]
STATUS_MEANING = f"leer = beantwortet; sonst „{DONT_KNOW_LABEL}“, „{NOT_SHOWN}“ oder „{NO_ANSWER}“"


def codebook(survey, weights: SurveyWeights | None = None) -> Iterator[list]:
    """Question codes, texts, types, option codes and labels, status columns and the missing-value scheme."""
    yield HEADER
    if weights is not None:
        yield from _weight_rows(survey, weights)
    for question in survey.ordered_questions():
        kind = qtype(question)
        if not kind.answerable:
            continue
        code = question.code
        yield [code, question.text, str(kind.label), None, None]
        for option in question.options:
            yield [
                f"{code}_{option.code}",
                None,
                "Zeile" if option.kind == "row" else "Option",
                option.code,
                option.label,
            ]
        if question.qtype in ("scale", "matrix"):
            low, high = question.setting("scale_min", 1), question.setting("scale_max", 5)
            yield [
                None,
                None,
                "Skala",
                f"{low}–{high}",
                f"{question.setting('label_min', '')} – {question.setting('label_max', '')}",
            ]
            if question.setting("dont_know"):
                yield [None, None, "Skala", DONT_KNOW, f"{DONT_KNOW_LABEL} (Wertspalte leer, siehe Status)"]
        if question.qtype == "yesno":
            yield [None, None, "Ja/Nein", "1", "Ja"]
            yield [None, None, "Ja/Nein", "0", "Nein"]
        if question.qtype == "matrix":
            for row in question.rows:
                yield [f"{code}_{row.code}_status", None, "Status", None, STATUS_MEANING]
        else:
            yield [f"{code}_status", None, "Status", None, STATUS_MEANING]
    yield []
    yield ["Fehlende Werte", None, None, None, None]
    yield [
        None,
        "Wertspalten",
        None,
        None,
        "enthalten nur Werte (Zahlen rechnen als Zahlen) oder bleiben leer",
    ]
    yield [None, "<Code>_status", None, None, "warum eine Wertspalte leer ist (Matrix: je Zeile)"]
    yield [None, DONT_KNOW_LABEL, None, None, "„weiß nicht“ gewählt"]
    yield [None, NOT_SHOWN, None, None, "Frage wurde wegen einer Bedingung nicht gezeigt"]
    yield [None, NO_ANSWER, None, None, "Frage gezeigt, aber nicht beantwortet"]
    yield [None, "0 / 1", None, None, "Mehrfachauswahl: Option nicht gewählt / gewählt"]
    yield [
        None,
        "SPSS (.sav)",
        None,
        None,
        "Wertspalten mit festem Wertebereich tragen zusätzlich -97 (weiß nicht), -98 (nicht gezeigt) oder "
        "-99 (keine Antwort), als fehlende Werte deklariert; freie Zahlen und Daten bleiben leer",
    ]
    yield [
        None,
        "Spaltenköpfe",
        None,
        None,
        "gekürzter Fragetext mit dem Code in eckigen Klammern, oder nur der Code",
    ]


def _weight_rows(survey, weights: SurveyWeights) -> Iterator[list]:
    """The weight column: what it is, which questions it rests on, how to use it."""
    codes = {q.id: q.code for q in survey.questions}
    mapped = ", ".join(codes.get(qid, str(qid)) for qid in weights.question_ids)
    yield [
        WEIGHT,
        "Gewicht",
        "Gewicht",
        None,
        f"Gewicht der Antwort aus der Randanpassung (Raking) an die Bevölkerungszahlen nach {mapped}; "
        "1 = ungewichtet (eine dieser Fragen nicht oder ohne zugeordnete Antwort beantwortet). "
        f"Designeffekt {weights.design_effect:.2f}, effektive Fallzahl {weights.effective_n:.0f} "
        f"von {weights.unweighted_n}. In SPSS: Daten > Fälle gewichten mit „{WEIGHT}“.",
    ]
