"""Flask extensions, created unbound and initialised in create_app().

Below core in the layers: this module imports nothing of the app.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Every model subclasses Model. db.Model is made at run time (Base with Flask-SQLAlchemy's mixin),
# so type checkers cannot follow it; to them it is Base, whose columns and session API it has.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def pseudonym(kind: str, value: str) -> str:
    """A keyed hash (HMAC with the secret key) that identifies without revealing the value."""
    secret = current_app.config["SECRET_KEY"].encode()
    return kind + ":" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """Identify the client for rate limits without storing its address (HMAC of the address)."""
    return pseudonym("client", request.remote_addr or "unknown")


# Keyed by a hash of the client's address: no IP address is kept, not even in the limiter's storage.
limiter = Limiter(key_func=client_key)
