"""Planner side: a LimeSurvey structure file (.lss) becomes a draft survey, with a report of what mapped."""

from __future__ import annotations

from collections import Counter

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from participation.core.permissions import require
from participation.extensions import db
from participation.surveys import policy
from participation.surveys.builder.limesurvey import ImportRefused
from participation.surveys.builder.limesurvey_import import import_lss
from participation.surveys.questions import TYPES
from participation.surveys.views import bp


class LimeSurveyImportForm(FlaskForm):
    file = FileField(
        _l("LimeSurvey-Umfragestruktur (.lss)"),
        description=_l("In LimeSurvey: Umfrage → Export → „Umfragestruktur (.lss)“. Höchstens 2 MB."),
        validators=[FileRequired(_l("Bitte wählen Sie eine .lss-Datei aus."))],
        render_kw={"accept": ".lss,.xml"},
    )


@bp.route("/verwaltung/import", methods=["GET", "POST"])
def import_limesurvey():
    """Upload a .lss file; the new draft's report is shown at once, a refusal next to the file field."""
    require(policy.can_create_surveys(current_user))
    form = LimeSurveyImportForm()
    if form.validate_on_submit():
        try:
            result = import_lss(current_user, form.file.data.stream)
        except ImportRefused as exc:
            db.session.rollback()
            form.file.errors = [exc.message]
        else:
            db.session.commit()
            by_type = Counter(question.qtype for _code, question in result.questions)
            return render_template(
                "surveys/builder/import_report.html",
                result=result,
                survey=result.survey,
                by_type=[(TYPES[key].label, count) for key, count in by_type.most_common()],
                types=TYPES,
            )
    return render_template("surveys/builder/import_form.html", form=form), 422 if form.errors else 200
