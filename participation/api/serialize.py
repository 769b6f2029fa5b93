"""Model objects as the API's JSON: only what the public pages show, with stable ids and ISO 8601 times."""

from __future__ import annotations

from typing import Any

from flask import url_for

from participation.api.http import iso

# Question settings a respondent sees on the form (limits, scale ends); nothing about conditions.
SHOWN_SETTINGS = (
    "scale_min",
    "scale_max",
    "label_min",
    "label_max",
    "dont_know",
    "decimal",
    "min",
    "max",
    "min_date",
    "max_date",
    "min_choices",
    "max_choices",
    "max_length",
    "display",
)
# A numeric question's figures (the OpenAPI document's Stats schema lists the same names).
STATS_FIELDS = ("n", "mean", "median", "q1", "q3", "minimum", "maximum", "sd")


def project(item) -> dict[str, Any]:
    """A project's public fields."""
    return {
        "id": item.id,
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "district": item.district,
        "phase": item.phase,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "url": url_for("api.project_detail", project_id=item.id),
    }


def project_detail(item) -> dict[str, Any]:
    """A project with its description and its phases' dates."""
    return {
        **project(item),
        "description": item.description,
        "location_text": item.location_text,
        "department": item.department,
        "phases": [
            {
                "phase": phase.phase,
                "position": phase.position,
                "starts_on": phase.starts_on.isoformat() if phase.starts_on else None,
                "ends_on": phase.ends_on.isoformat() if phase.ends_on else None,
            }
            for phase in sorted(item.phases, key=lambda p: (p.position, p.id))
        ],
        "comments_url": url_for("api.project_comments", project_id=item.id),
    }


def survey(item) -> dict[str, Any]:
    """A listed survey's public fields."""
    return {
        "id": item.id,
        "title": item.title,
        "project_id": item.project_id,
        "state": item.state.value,
        "starts_at": iso(item.starts_at),
        "ends_at": iso(item.ends_at),
        "closed_at": iso(item.closed_at),
        "results_published": bool(item.results_published),
        "url": url_for("api.survey_detail", survey_id=item.id),
        "results_url": url_for("api.survey_results", survey_id=item.id) if item.results_published else None,
    }


def survey_detail(item) -> dict[str, Any]:
    """A survey with its questions as a respondent reads them (no conditions, no internal settings)."""
    return {
        **survey(item),
        "intro": item.intro,
        "questions": [
            {
                "id": question.id,
                "code": question.code,
                "type": question.qtype,
                "text": question.text,
                "help_text": question.help_text,
                "mandatory": bool(question.mandatory),
                "settings": {k: v for k, v in (question.settings or {}).items() if k in SHOWN_SETTINGS},
                "options": [
                    {"code": option.code, "label": option.label, "kind": option.kind}
                    for option in sorted(question.options, key=lambda o: (o.position, o.id))
                ],
            }
            for question in item.ordered_questions()
        ],
    }


def _cells(cells) -> list[dict[str, Any]]:
    return [{"code": c.code, "label": str(c.label), "count": c.count, "pct": c.pct} for c in cells]


def _stats(stats) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {name: getattr(stats, name) for name in STATS_FIELDS}


def results(survey_item, figures) -> dict[str, Any]:
    """Published results: exactly the figures of the public page; null = protected (small cell)."""
    return {
        "survey_id": survey_item.id,
        "threshold": figures.threshold,
        "total": None if figures.hidden_too_few else figures.total,
        "hidden_too_few": figures.hidden_too_few,
        "codes_issued": figures.codes_issued,
        "codes_used": figures.codes_used,
        "per_day": [{"day": day.isoformat(), "count": count} for day, count in figures.per_day],
        "channels": _cells(figures.channels),
        "questions": [
            {
                "id": result.question.id,
                "code": result.question.code,
                "number": result.number,
                "type": result.question.qtype,
                "text": result.question.text,
                "suppressed": result.suppressed,
                "base": result.base,
                "answered": result.answered,
                "not_shown": result.not_shown,
                "no_answer": result.no_answer,
                "dont_know": result.dont_know,
                "cells": _cells(result.cells),
                "stats": _stats(result.stats),
                "rows": [
                    {
                        "code": row.code,
                        "label": str(row.label),
                        "cells": _cells(row.cells),
                        "stats": _stats(row.stats),
                        "dont_know": row.dont_know,
                        "no_answer": row.no_answer,
                    }
                    for row in result.rows
                ],
                "ranks": [
                    {"code": r.code, "label": str(r.label), "mean_rank": r.mean_rank, "first": r.first}
                    for r in result.ranks
                ],
                "texts": list(result.texts),
            }
            for result in figures.questions
        ],
    }


def comment(item) -> dict[str, Any]:
    """A visible comment: its text and place in the thread; no author (the API names nobody)."""
    return {
        "id": item.id,
        "project_id": item.project_id,
        "parent_id": item.parent_id,
        "body": item.body,
        "created_at": iso(item.created_at),
        "edited_at": iso(item.edited_at),
    }


def wiki_page(item) -> dict[str, Any]:
    """A wiki page with its approved text (Markdown)."""
    revision = item.approved_revision
    return {
        "id": item.id,
        "slug": item.slug,
        "title": revision.title,
        "project_id": item.project_id,
        "body": revision.body,
        "revision_id": revision.id,
        "updated_at": iso(revision.decided_at or revision.created_at),
        "revisions_url": url_for("api.wiki_revisions", wiki_page_id=item.id),
    }


def wiki_revision(item) -> dict[str, Any]:
    """An approved revision: title, text, summary, version and when it was approved."""
    return {
        "id": item.id,
        "page_id": item.page_id,
        "version": item.version,
        "title": item.title,
        "body": item.body,
        "summary": item.summary,
        "created_at": iso(item.created_at),
        "approved_at": iso(item.decided_at),
    }


def transparency(months) -> dict[str, Any]:
    """The moderation figures per month, as on the transparency page."""
    return {
        "months": [
            {
                "month": month.month,
                "reports": month.reports,
                "decisions": dict(month.decisions),
                "actions": dict(month.actions),
                "appeals": month.appeals,
                "appeal_outcomes": dict(month.appeal_outcomes),
                "median_hours": month.median_hours,
            }
            for month in months
        ]
    }
