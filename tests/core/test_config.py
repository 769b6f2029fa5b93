"""Settings from the environment (participation/config.py): defaults, parsing, the secret key."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest

from participation.config import ConfigurationError, load_config

SECRET = "ein-langes-geheimnis-aus-der-umgebung-0123456789"


@pytest.fixture
def instance(tmp_path):
    """An instance folder that does not exist yet (never the repository's real instance/)."""
    return tmp_path / "noch-nicht-da" / "instance"


def test_defaults_without_any_environment(instance):
    config = load_config(str(instance), {})
    assert config["ENV_NAME"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'participation.sqlite'}"
    assert config["SITE_NAME"] == "Musterstadt"
    assert config["DEFAULT_LOCALE"] == config["BABEL_DEFAULT_LOCALE"] == "de"
    assert config["MAIL_SERVER"] is None
    assert config["MAIL_PORT"] == 25
    assert config["MAIL_USE_TLS"] is False
    assert config["MAIL_USERNAME"] is None and config["MAIL_PASSWORD"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SESSION_COOKIE_SECURE"] is False and config["REMEMBER_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_sqlite_database_lies_in_an_instance_folder_that_is_created(instance):
    config = load_config(str(instance), {})
    assert instance.is_dir()
    path = config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    assert path == str(instance / "participation.sqlite")


def test_instance_folder_is_created_even_when_the_secret_key_is_set(instance):
    """SQLite cannot create the folder of its file; a set SECRET_KEY must not skip creating it."""
    config = load_config(str(instance), {"SECRET_KEY": SECRET})
    assert config["SECRET_KEY"] == SECRET
    assert instance.is_dir()
    assert not (instance / "secret_key").exists()  # nothing generated when the key is given


def test_database_url_from_the_environment_wins(instance):
    url = "postgresql+psycopg://stadt@db.example/beteiligung"
    assert load_config(str(instance), {"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"] == url


def test_production_without_secret_key_refuses_to_start(instance):
    for environ in (
        {"PARTICIPATION_ENV": "production"},
        {"PARTICIPATION_ENV": " Production ", "SECRET_KEY": ""},
    ):
        with pytest.raises(ConfigurationError, match="SECRET_KEY"):
            load_config(str(instance), environ)
    assert not (instance / "secret_key").exists()  # no generated key in production


def test_production_with_secret_key_marks_cookies_secure(instance):
    config = load_config(str(instance), {"PARTICIPATION_ENV": "production", "SECRET_KEY": SECRET})
    assert config["SECRET_KEY"] == SECRET
    assert config["ENV_NAME"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["PREFERRED_URL_SCHEME"] == "https"


def test_development_secret_is_generated_once_and_kept_in_the_instance_folder(instance):
    first = load_config(str(instance), {})["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # only the owner reads it
    second = load_config(str(instance), {})["SECRET_KEY"]
    assert second == first  # sessions survive a restart
    other = instance.parent / "anderswo"
    assert load_config(str(other), {})["SECRET_KEY"] != first  # random, not derived from anything


def test_site_name_and_default_locale_from_the_environment(instance):
    config = load_config(str(instance), {"SITE_NAME": "Beispielhausen", "DEFAULT_LOCALE": "en"})
    assert config["SITE_NAME"] == "Beispielhausen"
    assert config["DEFAULT_LOCALE"] == config["BABEL_DEFAULT_LOCALE"] == "en"


def test_empty_values_fall_back_to_the_defaults(instance):
    config = load_config(
        str(instance),
        {
            "SITE_NAME": "",
            "DEFAULT_LOCALE": "",
            "MAIL_PORT": "",
            "MAIL_USE_TLS": "",
            "RATELIMIT_STORAGE_URI": "",
        },
    )
    assert config["SITE_NAME"] == "Musterstadt"
    assert config["DEFAULT_LOCALE"] == "de"
    assert config["MAIL_PORT"] == 25
    assert config["MAIL_USE_TLS"] is False
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_mail_settings_are_parsed(instance):
    config = load_config(
        str(instance),
        {
            "MAIL_SERVER": "smtp.musterstadt.example",
            "MAIL_PORT": "587",
            "MAIL_USERNAME": "beteiligung",
            "MAIL_PASSWORD": "geheim",
            "MAIL_USE_TLS": "true",
            "MAIL_SENDER": "beteiligung@musterstadt.example",
        },
    )
    assert config["MAIL_SERVER"] == "smtp.musterstadt.example"
    assert config["MAIL_PORT"] == 587 and isinstance(config["MAIL_PORT"], int)
    assert config["MAIL_USERNAME"] == "beteiligung"
    assert config["MAIL_PASSWORD"] == "geheim"
    assert config["MAIL_USE_TLS"] is True
    assert config["MAIL_SENDER"] == "beteiligung@musterstadt.example"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("on", True), ("ja", True), (" True ", True),
     ("0", False), ("false", False), ("no", False), ("off", False), ("nein", False)],
)  # fmt: skip
def test_mail_use_tls_values(instance, value, expected):
    assert load_config(str(instance), {"MAIL_USE_TLS": value})["MAIL_USE_TLS"] is expected


@pytest.mark.parametrize("value", ["fünfundzwanzig", "0", "70000", "-1", "25.5"])
def test_mail_port_that_is_no_port_number_is_a_clear_error(instance, value):
    with pytest.raises(ConfigurationError, match="MAIL_PORT"):
        load_config(str(instance), {"MAIL_PORT": value})


def test_rate_limit_storage_from_the_environment(instance):
    config = load_config(str(instance), {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_lifetimes_are_timedeltas_and_tokens_expire(instance):
    config = load_config(str(instance), {})
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    assert config["VERIFY_TOKEN_MAX_AGE"] == 3 * 24 * 3600
    assert config["RESET_TOKEN_MAX_AGE"] == 2 * 3600


def test_an_unreachable_postgresql_gives_up_after_five_seconds(instance):
    """A host that swallows packets must not hold requests until gunicorn kills the worker."""
    url = "postgresql+psycopg://app@db.example/participation"
    options = load_config(str(instance), {"DATABASE_URL": url})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"connect_args": {"connect_timeout": 5}}
    sqlite = load_config(str(instance), {})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert sqlite == {}


def test_idle_connections_are_pinged_after_five_seconds_unless_set(instance):
    assert load_config(str(instance), {})["DATABASE_PING_AFTER_IDLE_SECONDS"] == 5.0
    every_use = {"DATABASE_PING_AFTER_IDLE_SECONDS": "0"}
    assert load_config(str(instance), every_use)["DATABASE_PING_AFTER_IDLE_SECONDS"] == 0.0
    for wrong in ("bald", "-1"):
        with pytest.raises(ConfigurationError, match="DATABASE_PING_AFTER_IDLE_SECONDS"):
            load_config(str(instance), {"DATABASE_PING_AFTER_IDLE_SECONDS": wrong})
