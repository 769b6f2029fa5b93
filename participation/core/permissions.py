"""Turning policy answers into HTTP answers: anonymous users go to login, others get 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar, ParamSpec, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participation.extensions import login_manager


class NotAllowed(Exception):
    """Raised by services when the acting user may not do what they asked."""


class InvalidState(Exception):
    """Raised by models and services when an object cannot make the requested transition.

    Each domain subclasses it once per reason and puts the German explanation on the class
    (`message`, a lazy string), so views map exception classes to messages, never strings.
    """

    message: ClassVar[str] = _l("Diese Aktion ist im jetzigen Zustand nicht möglich.")

    @property
    def user_message(self) -> str:
        """The explanation for the person who asked (in the request's language)."""
        return str(self.message)


def require(allowed: bool) -> None:
    """Abort with a login redirect (anonymous) or 403 (logged in) unless the policy said yes."""
    if allowed:
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def policy_required(policy: Callable[[Any], bool]) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator for views whose whole access rule is one policy function of the current user."""

    def decorator(view: Callable[_P, _R]) -> Callable[_P, _R]:
        @wraps(view)
        def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            require(policy(current_user))
            return view(*args, **kwargs)

        return wrapped

    return decorator
