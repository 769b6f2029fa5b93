"""SPSS .sav export: variable labels (question texts), value labels (options), measurement levels and
declared missing values, written by pyreadstat.

The columns are the spreadsheets' (codes as variable names): value columns and the "<code>_status"
columns of the one missing-value scheme. SPSS also gets its own way of saying it: in value columns with a
fixed range (choices, yes/no, scales, matrix rows, ranks) a missing value is stored as -97 "weiß nicht",
-98 "nicht gezeigt" or -99 "keine Antwort" and declared user-missing, so SPSS leaves it out of every
statistic, while free numbers and dates stay system-missing (any number could be a real answer there).

pyreadstat writes a whole data frame, so unlike the other formats a .sav is built in memory: the rows
are gathered column by column (numbers in packed arrays of doubles, texts and dates as lists) before the
frame is made.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from participation.surveys.answering.sealing import response_count
from participation.surveys.exports.columns import (
    DATE,
    DONT_KNOW_LABEL,
    NO_ANSWER,
    NOT_SHOWN,
    NUMBER,
    STATUS,
    Cells,
    ExportOptions,
    iter_table,
    meta_headers,
    question_columns,
)
from participation.surveys.models import CHANNEL_LABELS
from participation.surveys.questions import qtype

if TYPE_CHECKING:  # pyreadstat itself is imported only when a .sav is written
    from pyreadstat.pyclasses import MissingRange

STATUS_CODES = {DONT_KNOW_LABEL: 1, NOT_SHOWN: 2, NO_ANSWER: 3}
MISSING_CODES = {DONT_KNOW_LABEL: -97, NOT_SHOWN: -98, NO_ANSWER: -99}
# pyreadstat writes a whole table at once, so a .sav is built in memory (about 16 bytes a cell with
# the DataFrame): capped so that one download cannot take a small server's memory (~160 MB).
MAX_SAV_CELLS = 10_000_000
# pyreadstat's own type for the list of declared values
DECLARED: list[int | float | str | MissingRange] = [float(c) for c in sorted(MISSING_CODES.values())]
_BOUNDED = ("single", "multiple", "yesno", "scale", "matrix", "ranking")


@dataclass
class Variable:
    """One SPSS variable: how its cells are converted and what SPSS is told about it."""

    name: str
    label: str
    kind: str  # "number" | "text" | "date"
    measure: str  # "nominal" | "ordinal" | "scale"
    labels: dict[float, str] = field(default_factory=dict)
    codes: dict[str, float] | None = None  # text cell -> number (choices, statuses)
    status: int | None = None  # column index of the status that fills declared missing codes


def _name(code: str, taken: set[str]) -> str:
    """A valid, unique SPSS variable name (a letter first; letters, digits, _ and . only; <= 64)."""
    name = re.sub(r"[^A-Za-z0-9_.]", "_", code)[:60].rstrip(".")
    if not name or not name[0].isalpha():
        name = f"v{name}"
    base, number = name, 1
    while name.lower() in taken:
        number += 1
        name = f"{base}_{number}"
    taken.add(name.lower())
    return name


def variables(survey, options: ExportOptions) -> list[Variable]:
    """The variables in file order (the order of the columns of the spreadsheets)."""
    taken: set[str] = set()
    result = []
    measures = {
        "id": "nominal",
        "datum": "scale",
        "kanal": "nominal",
        "konto_id": "nominal",
        "zugang": "nominal",
        "gewicht": "scale",
    }
    for code, text, kind in meta_headers(survey, options.weights):
        result.append(
            Variable(_name(code, taken), text, kind if kind in (NUMBER, DATE) else "text", measures[code])
        )
    status_labels = {float(v): k for k, v in STATUS_CODES.items()}
    status_codes = {k: float(v) for k, v in STATUS_CODES.items()}
    missing_labels = {float(v): k for k, v in MISSING_CODES.items()}
    for question in survey.ordered_questions():
        if not qtype(question).answerable:
            continue
        item = question_columns(question, options, Cells(None))
        start = len(result)
        kind = question.qtype
        ordinal = kind in ("scale", "matrix", "ranking")
        low = question.setting("scale_min", 1) if kind in ("scale", "matrix") else 0
        coded = kind in _BOUNDED and (not isinstance(low, int) or low > min(MISSING_CODES.values()))
        for index, (code, text, column_kind) in enumerate(item.headers):
            name = _name(code, taken)
            if column_kind == STATUS:
                result.append(Variable(name, text, NUMBER, "nominal", status_labels, status_codes))
                continue
            if column_kind != NUMBER and not (kind == "single" and code == question.code):
                result.append(Variable(name, text, "date" if column_kind == DATE else "text", "nominal"))
                if column_kind == DATE:
                    result[-1].measure = "scale"
                continue
            variable = Variable(name, text, NUMBER, "ordinal" if ordinal else "nominal")
            if kind == "number":
                variable.measure = "scale"
            if kind == "single":
                variable.codes = {o.code: float(i) for i, o in enumerate(question.choices, start=1)}
                variable.labels = {float(i): o.label for i, o in enumerate(question.choices, start=1)}
            elif kind == "yesno":
                variable.labels = {0.0: "Nein", 1.0: "Ja"}
            if coded:
                variable.labels = {**variable.labels, **missing_labels}
                offset = index if kind == "matrix" else 0
                variable.status = (
                    start + item.values + offset if kind == "matrix" else start + len(item.headers) - 1
                )
            result.append(variable)
    return result


def sav_fits(survey, options: ExportOptions) -> bool:
    """Whether the .sav of this survey stays under the memory cap (responses x variables)."""
    options = replace(options, answers="codes", headers="codes")
    return response_count(survey) * len(variables(survey, options)) <= MAX_SAV_CELLS


def write_sav(target, survey, options: ExportOptions) -> None:
    """The .sav of the responses (answers as coded values with value labels, headers as codes)."""
    # deferred: pandas and pyreadstat are heavy, and only .sav downloads need them
    import numpy as np  # deferred: as above
    import pandas as pd  # deferred: as above
    import pyreadstat  # deferred: as above

    options = replace(options, answers="codes", headers="codes")
    plan = variables(survey, options)
    channels = {c.value: str(label) for c, label in CHANNEL_LABELS.items()}
    # Numbers in packed arrays (8 bytes a cell, NaN when missing), texts and dates as lists.
    data: list[Any] = [array("d") if v.kind == NUMBER else [] for v in plan]
    numeric = [v.kind == NUMBER for v in plan]
    converters: list[Callable[[Any], Any] | None] = []
    for variable in plan:
        if variable.codes is not None:
            converters.append(variable.codes.get)
        elif variable.name == "kanal":
            converters.append(lambda v: channels.get(v, v))
        else:
            converters.append(None)
    declared = [(i, v.status) for i, v in enumerate(plan) if v.status is not None]
    rows = iter_table(survey, options)
    next(rows)  # the header row: the variables carry the names
    nan = math.nan
    for row in rows:
        for index, convert in enumerate(converters):
            value = row[index]
            if convert is not None and value is not None:
                value = convert(value)
            if numeric[index]:
                value = nan if value is None else float(value)
            data[index].append(value)
        for index, status in declared:
            if row[status] is not None:
                data[index][-1] = float(MISSING_CODES[row[status]])
    frame = pd.DataFrame(
        {
            v.name: np.frombuffer(column, dtype="float64")
            if v.kind == NUMBER
            else pd.Series(column, dtype=object)
            for v, column in zip(plan, data, strict=True)
        },
        copy=False,  # no second copy of the numbers in one block
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=survey.title[:64],
            column_labels={v.name: v.label[:256] for v in plan},
            variable_value_labels={v.name: v.labels for v in plan if v.labels},
            missing_ranges={v.name: list(DECLARED) for v in plan if v.status is not None},
            variable_measure={v.name: v.measure for v in plan},
        )
        with path.open("rb") as handle:
            shutil.copyfileobj(handle, target)
