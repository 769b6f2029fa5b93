"""A survey's weights and its representativeness panel, read fresh on every call (constant queries).

Both start from one grouped query: how many responses chose which options of the mapped questions (a
cell). Raking runs on those cells with their counts, never on single responses, so 100,000 responses
cost what 16 cells cost. Responses that left a mapped question unanswered, or chose an option the
planner did not map ("keine Angabe"), keep the weight 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from participation.extensions import db
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.weighting.contract import CellKey, SurveyWeights
from participation.surveys.weighting.mapping import MappedQuestion, load_mapping, load_settings
from participation.surveys.weighting.models import WeightingSettings
from participation.surveys.weighting.raking import RakingError, rake
from participation.surveys.weighting.reference import ReferenceMargins, dimension_label, reference_margins


@dataclass(frozen=True)
class PanelRow:
    """One population group: how many answered so, their share against the population's."""

    label: str
    count: int
    sample_share: float  # 0..1 of those who answered the question with a mapped option
    population_share: float  # 0..1 of the residents in the mapped groups
    weighted_share: float | None  # after weighting (None when weighting is off or failed)
    under: bool  # sample share below the population share by more than the threshold
    too_few: bool  # fewer respondents than the minimum cases

    @property
    def difference_pp(self) -> float:
        """Sample share minus population share, in percentage points."""
        return (self.sample_share - self.population_share) * 100


@dataclass(frozen=True)
class PanelDimension:
    """A mapped dimension: its question, its groups and how many did not give a mapped answer."""

    dimension: str
    label: str
    question_code: str
    question_text: str
    rows: list[PanelRow]
    answered: int
    not_mapped: int  # responses without an answer to the question, or with an unmapped option
    missing_categories: list[str]  # population groups no option is mapped to (left out of the shares)

    @property
    def warnings(self) -> int:
        """Groups with a warning (under-represented or too few cases)."""
        return sum(row.under or row.too_few for row in self.rows)


@dataclass(frozen=True)
class Panel:
    """Everything the representativeness panel shows for one survey."""

    survey_id: int
    reference_label: str
    dimensions: list[PanelDimension]
    total: int
    settings: WeightingSettings
    weights: SurveyWeights | None
    problem: str | None  # why the survey cannot be weighted as mapped (German sentence)
    not_weighted: int  # responses weighing 1.0 (a mapped answer missing)

    @property
    def mapped(self) -> bool:
        """At least one question is mapped to a dimension of the current population figures."""
        return bool(self.dimensions)

    @property
    def warnings(self) -> int:
        return sum(d.warnings for d in self.dimensions)


@dataclass
class _Computation:
    mapping: list[MappedQuestion]
    reference: ReferenceMargins
    counts: dict[CellKey, int]
    categories: list[list[str]]  # per mapped question: the population groups its options are mapped to
    weights: SurveyWeights | None = None
    problem: str | None = None


def survey_weights(survey: Survey) -> SurveyWeights | None:
    """The survey's weights when the planner switched weighting on and it is possible, else None."""
    settings = load_settings(survey.id)
    if not settings.enabled:
        return None
    computation = _compute(survey.id, settings, weigh=True)
    return computation.weights if computation is not None else None


def representativeness(survey: Survey) -> Panel | None:
    """The panel's figures (also when weighting is off); None without current population figures."""
    settings = load_settings(survey.id)
    reference = reference_margins()
    if reference is None:
        return None
    computation = _compute(survey.id, settings, weigh=settings.enabled, reference=reference)
    if computation is None:  # nothing mapped to a dimension the figures carry
        return Panel(survey.id, reference.label, [], _total(survey.id), settings, None, None, 0)
    total = sum(computation.counts.values())
    dimensions = [_dimension(computation, index, settings) for index in range(len(computation.mapping))]
    weights = computation.weights
    complete = sum(n for key, n in computation.counts.items() if _row(computation, key) is not None)
    return Panel(
        survey_id=survey.id,
        reference_label=reference.label,
        dimensions=dimensions,
        total=total,
        settings=settings,
        weights=weights,
        problem=computation.problem,
        not_weighted=total - complete,
    )


def _compute(
    survey_id: int, settings: WeightingSettings, *, weigh: bool, reference: ReferenceMargins | None = None
) -> _Computation | None:
    """Mapping, reference margins and cell counts (three queries); the weights when asked to weigh."""
    reference = reference or reference_margins()
    if reference is None:
        return None
    mapping = [m for m in load_mapping(survey_id) if _usable(m, reference)]
    if not mapping:
        return None
    categories = [
        [c for c in reference.categories(m.dimension) if c in set(m.categories.values())] for m in mapping
    ]
    counts = cell_counts(survey_id, [m.question_id for m in mapping])
    computation = _Computation(mapping, reference, counts, categories)
    if weigh:
        try:
            computation.weights = _weigh(computation, settings)
        except WeightingImpossible as exc:
            computation.problem = exc.message
    return computation


def _usable(mapped: MappedQuestion, reference: ReferenceMargins) -> bool:
    """The current figures carry the dimension and at least one option names one of its groups."""
    known = set(reference.categories(mapped.dimension))
    return bool(known & set(mapped.categories.values()))


def cell_counts(survey_id: int, question_ids: list[int]) -> dict[CellKey, int]:
    """Responses per combination of chosen options of the given questions (one grouped query)."""
    # Read once per request: the results page asks for the weights and for the panel, and at 100,000
    # responses the query is the whole cost. Nothing is kept beyond the request (flask.g ends with it).
    memo = g.setdefault("weighting_cell_counts", {}) if has_request_context() else {}
    key = (survey_id, tuple(question_ids))
    if key not in memo:
        memo[key] = _read_cell_counts(survey_id, question_ids)
    return dict(memo[key])


def _read_cell_counts(survey_id: int, question_ids: list[int]) -> dict[CellKey, int]:
    answers = [aliased(Answer) for _ in question_ids]
    query = select(*[a.option_id for a in answers], func.count()).select_from(Response)
    for alias, question_id in zip(answers, question_ids, strict=True):
        query = query.outerjoin(
            alias, (alias.response_id == Response.id) & (alias.question_id == question_id)
        )
    query = query.where(Response.survey_id == survey_id).group_by(*[a.option_id for a in answers])
    counts: dict[CellKey, int] = {}
    for *options, count in db.session.execute(query):
        key = tuple(options)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def _total(survey_id: int) -> int:
    return int(db.session.scalar(select(func.count()).where(Response.survey_id == survey_id)) or 0)


def _row(computation: _Computation, key: CellKey) -> list[int] | None:
    """A cell's group index per mapped question, or None when one of its answers is not mapped."""
    row = []
    for option_id, mapped, categories in zip(key, computation.mapping, computation.categories, strict=True):
        category = mapped.categories.get(option_id) if option_id is not None else None
        if category is None or category not in categories:
            return None
        row.append(categories.index(category))
    return row


class WeightingImpossible(Exception):
    """The mapped answers cannot be weighted to the figures; `message` says why in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _weigh(computation: _Computation, settings: WeightingSettings) -> SurveyWeights:
    """Rake the complete cells to the population margins of the mapped groups; others weigh 1.0."""
    keys, rows, freq = [], [], []
    for key, count in computation.counts.items():
        row = _row(computation, key)
        if row is not None:
            keys.append(key)
            rows.append(row)
            freq.append(count)
    if not rows:
        raise WeightingImpossible(
            _("Niemand hat alle zugeordneten Fragen mit einer zugeordneten Antwort beantwortet.")
        )
    cats = np.array(rows, dtype=np.int64)
    counts = np.array(freq, dtype=np.int64)
    n_complete = int(counts.sum())
    targets = []
    for index, (mapped, categories) in enumerate(
        zip(computation.mapping, computation.categories, strict=True)
    ):
        residents = dict(computation.reference.margins[mapped.dimension])
        population = np.array([residents[c] for c in categories], dtype=float)
        seen = np.bincount(cats[:, index], weights=counts, minlength=len(categories))
        empty = [c for c, n, p in zip(categories, seen, population, strict=True) if n == 0 and p > 0]
        if empty:
            raise WeightingImpossible(
                _(
                    "In der Gruppe „%(group)s“ (%(dimension)s) hat niemand geantwortet. Ohne Befragte in "
                    "dieser Gruppe kann nicht gewichtet werden: fassen Sie Gruppen zusammen oder nehmen Sie "
                    "die Frage aus der Zuordnung.",
                    group=empty[0],
                    dimension=dimension_label(mapped.dimension),
                )
            )
        # Population shares scaled to the complete responses: weights average 1 among them.
        targets.append(population / population.sum() * n_complete)
    lower, upper = float(settings.trim_lower), float(settings.trim_upper)
    try:
        cell_weights, converged, iterations = rake_cells(cats, counts, targets, lower, upper)
    except RakingError as exc:
        raise WeightingImpossible(str(exc)) from exc
    weights = {key: float(w) for key, w in zip(keys, cell_weights, strict=True)}
    return _summary(computation, weights, converged, iterations, lower, upper)


def rake_cells(
    cats: np.ndarray, counts: np.ndarray, targets: list[np.ndarray], lower: float, upper: float
) -> tuple[np.ndarray, bool, int]:
    """One weight per cell: raking over the cells' respondents (all of a cell weigh the same)."""
    # rake() takes one row per respondent and collapses equal rows again; all of a cell weigh the same,
    # so the first respondent's weight is the cell's.
    units = np.repeat(cats, counts, axis=0)
    result = rake(units, targets, trim_lower=lower, trim_upper=upper)
    first = np.cumsum(counts) - counts
    return np.asarray(result.weights)[first], bool(result.converged), int(result.iterations)


def _summary(
    computation: _Computation,
    weights: dict[CellKey, float],
    converged: bool,
    iterations: int,
    lower: float,
    upper: float,
) -> SurveyWeights:
    """The contract object: per-cell weights and the diagnostics over all responses (1.0 for the rest)."""
    total = wsum = wsq = 0.0
    for key, count in computation.counts.items():
        w = weights.get(key, 1.0)
        total += count
        wsum += count * w
        wsq += count * w * w
    effective_n = wsum * wsum / wsq if wsq else 0.0
    # Kish's design effect from unequal weights: n * sum(w^2) / (sum w)^2.
    design_effect = total * wsq / (wsum * wsum) if wsum else 1.0
    # At a bound, up to the final rescaling to mean 1 that raking applies after clipping.
    trimmed = sum(w <= lower * 1.001 or w >= upper * 0.999 for w in weights.values())
    return SurveyWeights(
        question_ids=tuple(m.question_id for m in computation.mapping),
        cell_weights=weights,
        unweighted_n=int(total),
        effective_n=effective_n,
        design_effect=design_effect,
        converged=converged,
        iterations=iterations,
        trimmed_cells=trimmed,
    )


def _dimension(computation: _Computation, index: int, settings: WeightingSettings) -> PanelDimension:
    """One dimension's rows: sample against population share, weighted share, warnings."""
    mapped, categories = computation.mapping[index], computation.categories[index]
    residents = dict(computation.reference.margins[mapped.dimension])
    population_total = sum(residents[c] for c in categories)
    sample = dict.fromkeys(categories, 0)
    weighted = dict.fromkeys(categories, 0.0)
    weights = computation.weights
    for key, count in computation.counts.items():
        option_id = key[index]
        category = mapped.categories.get(option_id) if option_id is not None else None
        if category in sample:
            sample[category] += count
            weighted[category] += count * (weights.weight(key) if weights else 1.0)
    answered = sum(sample.values())
    weighted_total = sum(weighted.values())
    threshold = float(settings.threshold_pp) / 100
    rows = []
    for category in categories:
        share = sample[category] / answered if answered else 0.0
        population = residents[category] / population_total if population_total else 0.0
        rows.append(
            PanelRow(
                label=category,
                count=sample[category],
                sample_share=share,
                population_share=population,
                weighted_share=(weighted[category] / weighted_total if weights and weighted_total else None),
                under=population - share > threshold,
                too_few=sample[category] < settings.min_cases,
            )
        )
    return PanelDimension(
        dimension=mapped.dimension,
        label=dimension_label(mapped.dimension),
        question_code=mapped.code,
        question_text=mapped.text,
        rows=rows,
        answered=answered,
        not_mapped=sum(computation.counts.values()) - answered,
        missing_categories=[
            c for c in computation.reference.categories(mapped.dimension) if c not in categories
        ],
    )
