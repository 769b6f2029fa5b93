"""Reference population pages: versions, one version's figures, upload, current marker, sample file."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from participation.analytics import services
from participation.analytics.csv_import import (
    MAX_FILE_BYTES,
    SAMPLE_CSV,
    PopulationFileError,
    parse_population,
)
from participation.analytics.forms import PopulationUploadForm
from participation.analytics.models import PopulationVersion
from participation.analytics.oversize import HEAD_BYTES, fields_before_file
from participation.analytics.policy import can_manage_population, can_view_population
from participation.core.forms import PostOnlyForm, add_error
from participation.core.permissions import policy_required, require
from participation.extensions import csrf, db

bp = Blueprint("analytics", __name__, url_prefix="/verwaltung/bevoelkerung")

DIMENSION_NAMES = {
    "district": _l("Bezirk"),
    "age_band": _l("Altersgruppe"),
    "gender": _l("Geschlecht"),
}


@bp.context_processor
def _dimension_names() -> dict[str, object]:
    return {"dimension_names": DIMENSION_NAMES}


@bp.route("/")
@policy_required(can_view_population)
def population_index():
    """All versions of the reference population; the current one marked."""
    return render_template(
        "analytics/population_index.html",
        versions=services.versions(),
        current_form=PostOnlyForm(),
        can_manage=can_manage_population(current_user),
    )


@bp.route("/<int:version_id>")
@policy_required(can_view_population)
def population_detail(version_id: int):
    """One version: source, reference date, margins per dimension and every cell."""
    version = db.session.get(PopulationVersion, version_id) or abort(404)
    return render_template(
        "analytics/population_detail.html",
        version=version,
        margins=services.margins(version),
        current_form=PostOnlyForm(),
        can_manage=can_manage_population(current_user),
    )


@bp.route("/<int:version_id>/aktuell", methods=["POST"])
@policy_required(can_manage_population)
def make_current(version_id: int):
    """Make an older or newer version the current one."""
    version = db.session.get(PopulationVersion, version_id) or abort(404)
    if PostOnlyForm().validate_on_submit():
        services.make_version_current(current_user, version)
        db.session.commit()
        flash(_("Dieser Stand wird jetzt für die Gewichtung verwendet."), "success")
    return redirect(url_for("analytics.population_detail", version_id=version.id))


# Exempt from the app-wide CSRF hook, which would read the whole body first (a 50 MB file ends in the
# bare 413 page): this view checks the token itself, before the role, exactly as the hook would.
@bp.route("/neu", methods=["GET", "POST"])
@csrf.exempt
def upload():
    """Upload a CSV file or typed rows; any problem is shown by its field and nothing is stored."""
    oversized = request.method == "POST" and (request.content_length or 0) > MAX_FILE_BYTES + HEAD_BYTES
    head = fields_before_file(request) if oversized else None
    if request.method == "POST":
        _check_csrf(head)
    require(can_manage_population(current_user))
    if head is not None:
        form = PopulationUploadForm(formdata=head)
        form.validate()
        add_error(form.file, _("Die Datei ist größer als 2 MB. Bitte laden Sie nur die Zahlentabelle hoch."))
        return _form_page(form, 413)
    form = PopulationUploadForm()
    if not form.validate_on_submit():
        return _form_page(form, 400 if request.method == "POST" else 200)
    upload_file = form.file.data
    data = upload_file.read(MAX_FILE_BYTES + 1) if upload_file else b""
    target = form.file if data else form.rows
    if not data:
        data = (form.rows.data or "").encode("utf-8")
    if not data.strip():
        add_error(form.file, _("Bitte wählen Sie eine CSV-Datei aus oder geben Sie die Zeilen ein."))
        return _form_page(form, 400)
    try:
        parsed = parse_population(data)
    except PopulationFileError as exc:
        for problem in exc.problems:
            add_error(target, problem)
        return _form_page(form, 400)
    version = services.store_version(
        current_user,
        parsed,
        source=form.source.data.strip(),
        reference_date=form.reference_date.data,
        make_current=form.make_current.data,
    )
    db.session.commit()
    flash(_("Die Bevölkerungszahlen wurden gespeichert."), "success")
    return redirect(url_for("analytics.population_detail", version_id=version.id))


def _check_csrf(head: MultiDict[str, str] | None) -> None:
    """The CSRF check of the app-wide hook; for an oversized body, on the token read from its head."""
    if head is None:
        csrf.protect()
        return
    try:
        validate_csrf(head.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc


def _form_page(form: PopulationUploadForm, status: int):
    return render_template("analytics/population_upload.html", form=form, sample=SAMPLE_CSV), status


@bp.route("/muster.csv")
@policy_required(can_view_population)
def sample_csv():
    """A small example file in the accepted format."""
    return Response(
        "\ufeff" + SAMPLE_CSV,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=bevoelkerung-muster.csv"},
    )
