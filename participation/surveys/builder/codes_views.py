"""Participation codes for code surveys: generated on request, shown once (CSV or print), then only hashed."""

from __future__ import annotations

import csv
import io

from flask import Response as HttpResponse
from flask import render_template, request, url_for
from flask_login import current_user

from participation.core.downloads import attachment_headers
from participation.extensions import db
from participation.surveys import services
from participation.surveys.builder.forms import CodesForm
from participation.surveys.views import bp, load_editable


@bp.route("/verwaltung/<int:survey_id>/codes", methods=["GET", "POST"])
def codes(survey_id: int):
    """Generate one-time codes: they are shown once, as CSV download or printable page, then only hashed."""
    survey = load_editable(survey_id)
    form = CodesForm()
    if form.validate_on_submit():
        created = services.generate_codes(current_user, survey, form.count.data or 0)
        db.session.commit()
        if request.form.get("format") == "print":
            return render_template("surveys/builder/codes_print.html", survey=survey, codes=created)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(["umfrage", "code", "adresse"])
        address = url_for("surveys.survey_detail", survey_id=survey.id, _external=True)
        for code in created:
            writer.writerow([survey.title, code, address])
        body = "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 correctly
        headers = attachment_headers(f"teilnahmecodes-umfrage-{survey.id}.csv")
        return HttpResponse(body, mimetype="text/csv", headers=headers)
    total, used = services.code_counts(survey)
    return render_template(
        "surveys/builder/codes.html", survey=survey, form=form, total=total, used=used
    ), 422 if form.errors else 200
