"""WTForms' own messages come in the page's language from a catalogue read once per process (#15 item 2)."""

from __future__ import annotations

from babel import support
from flask_wtf import FlaskForm
from wtforms import IntegerField

from participation.core import i18n


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = IntegerField("Zahl")


def _message(app, language: str) -> str:
    with app.test_request_context(
        "/", method="POST", data={"number": "x"}, headers={"Accept-Language": language}
    ):
        app.preprocess_request()  # the before_request hooks, as in a real request
        form = NumberForm()
        assert not form.validate()
        return form.number.errors[0]


def test_wtforms_messages_follow_the_language_and_the_catalogue_is_read_once(app, monkeypatch):
    loads = []
    original = support.Translations.load

    def counting_load(*args, **kwargs):
        loads.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counting_load)
    i18n._form_catalogue.cache_clear()
    assert _message(app, "de") == "Keine gültige, ganze Zahl."
    assert _message(app, "en") == "Not a valid integer value."
    for _ in range(3):
        assert _message(app, "de") == "Keine gültige, ganze Zahl."
    assert len(loads) == 2  # one per language, not one per request
