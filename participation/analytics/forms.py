"""The reference population's upload form: source, reference date, a CSV file or typed rows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PopulationUploadForm(FlaskForm):
    source = StringField(
        _l("Quelle"),
        description=_l("Zum Beispiel „Statistikstelle Musterstadt, Melderegister“."),
        validators=[DataRequired(_l("Bitte nennen Sie die Quelle der Zahlen.")), Length(max=200)],
    )
    reference_date = DateField(
        _l("Stichtag"),
        validators=[DataRequired(_l("Bitte geben Sie den Stichtag als Datum an."))],
    )
    file = FileField(
        _l("CSV-Datei"),
        description=_l("Höchstens 2 MB, UTF-8, Trennzeichen Semikolon oder Komma."),
        render_kw={"accept": ".csv,text/csv"},
    )
    rows = TextAreaField(
        _l("Oder Zeilen eingeben"),
        description=_l(
            "Dasselbe Format wie die Datei: erste Zeile die Spaltennamen, dann eine Zeile je Zelle."
        ),
        validators=[Optional()],
        render_kw={"rows": 8},
    )
    make_current = BooleanField(_l("Als aktuellen Stand verwenden"), default=True)
