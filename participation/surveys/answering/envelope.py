"""Sealing a waiting response: AES-GCM with a key derived from SECRET_KEY, padded to the survey's size.

A reader of the database sees that a response waits, never what it says or how long it is: every payload
of a survey is padded to one size, worked out from its questions (the longest answers they accept), so
the waiting row of a long free text cannot be matched to the long text that appears when its batch is
written. Whoever holds SECRET_KEY can open what waits (the README says so).
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from participation.surveys.models import Survey

NONCE = 12
LENGTH = 4  # the payload's true length, in front of it, inside the encryption
# Per answer row a generous allowance for ids, numbers, dates and JSON punctuation; texts count 4 bytes
# per character (UTF-8's longest) and 6 for escapes, so the estimate errs on the large side.
ROW_BYTES = 160
TEXT_BYTES_PER_CHAR = 6
DEFAULT_TEXT_LIMITS = {"short_text": 200, "long_text": 2000}
OTHER_TEXT_LIMIT = 200


@lru_cache(maxsize=4)
def _cipher(secret: str) -> AESGCM:
    """The AES-256-GCM key for waiting responses, derived from SECRET_KEY (for this purpose only)."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"participation/survey-waiting-responses"
    )
    return AESGCM(key.derive(secret.encode()))


def _associated(survey_id: int) -> bytes:
    # A sealed payload opens only for the survey it was sealed for (a row moved to another survey fails).
    return f"survey:{survey_id}".encode()


def padded_size(survey: Survey) -> int:
    """The one size every sealed payload of this survey has (the largest answers its questions accept)."""
    size = 256
    for question in survey.questions:
        rows = len(question.options) + 1
        text = int(question.setting("max_length", DEFAULT_TEXT_LIMITS.get(question.qtype, 0)) or 0)
        others = sum(1 for option in question.options if option.is_other)
        size += rows * ROW_BYTES + (text + others * OTHER_TEXT_LIMIT) * TEXT_BYTES_PER_CHAR
    return size


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def seal_payload(survey: Survey, payload: dict) -> bytes:
    """Nonce and ciphertext of the payload, padded to the survey's size (or a multiple of it)."""
    plain = json.dumps(payload, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode()
    size = padded_size(survey)
    needed = len(plain) + LENGTH
    target = size * -(-needed // size)
    padded = len(plain).to_bytes(LENGTH, "big") + plain + bytes(target - needed)
    nonce = os.urandom(NONCE)
    return nonce + _cipher(current_app.config["SECRET_KEY"]).encrypt(nonce, padded, _associated(survey.id))


def open_payload(survey_id: int, sealed: bytes) -> dict:
    """The payload sealed by seal_payload (raises cryptography's InvalidTag if it was altered).

    Also with a key in SECRET_KEY_FALLBACKS (Flask's list of previous keys), so that changing SECRET_KEY
    does not lose the responses that waited under the old one.
    """
    secrets = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    for number, secret in enumerate(secrets):
        try:
            padded = _cipher(secret).decrypt(sealed[:NONCE], sealed[NONCE:], _associated(survey_id))
        except InvalidTag:
            if number == len(secrets) - 1:
                raise
            continue
        length = int.from_bytes(padded[:LENGTH], "big")
        return json.loads(padded[LENGTH : LENGTH + length])
    raise InvalidTag  # unreachable: the loop returns or raises
