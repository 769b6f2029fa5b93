"""The surveys' part of the site-wide search: title and introduction of surveys anyone may open."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core.fulltext import Document, Link, SearchSource, register_source
from participation.core.markup import render_plain
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.policy import can_view_survey

KIND = "survey"


def documents(ids: Sequence[int]) -> list[Document]:
    """The surveys among these ids that an anonymous visitor may open (drafts never)."""
    surveys = db.session.scalars(select(Survey).where(Survey.id.in_(ids))).all()
    return [
        Document(survey.id, survey.title, render_plain(survey.intro or ""), survey.published_at)
        for survey in surveys
        if can_view_survey(None, survey)
    ]


def all_ids() -> Iterable[int]:
    """Every survey (the visibility rule decides in `documents`), for a rebuild."""
    return db.session.scalars(select(Survey.id).order_by(Survey.id)).all()


def links(ids: Sequence[int]) -> Mapping[int, Link]:
    """A survey's introduction page (no query: the id is the address)."""
    return {survey_id: Link(url_for("surveys.survey_detail", survey_id=survey_id)) for survey_id in ids}


def register() -> None:
    """Surveys after projects in the search's type filter."""
    register_source(
        SearchSource(
            kind=KIND,
            label=_l("Umfrage"),
            documents=documents,
            all_ids=all_ids,
            links=links,
            watches={Survey: lambda survey: [survey.id]},
            order=20,
        )
    )
