"""Opaque, signed pagination cursors.

A cursor carries the sort-key values of the row a page starts after (``next``) or before
(``prev``), plus a fingerprint of the resource and sort spec it was made for. It is
``base64url(JSON) "." base64url(HMAC-SHA256)`` with padding stripped: URL-safe, opaque to
clients, and tamper-evident (the key is derived from ``settings.app.secret_key``; the
signature is checked in constant time before anything is decoded). Values of types JSON
lacks (datetime, date, time, Decimal, UUID, enums) are stored with a type tag so they
come back as the same Python type.

Every way a cursor can be wrong - garbage, truncated, tampered, too long, made for another
sort or resource - raises :class:`InvalidCursor` (a 400 problem), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from shipyard.core.problems import HTTPProblem, register_problem_type

Direction = Literal["next", "prev"]

MAX_CURSOR_LENGTH = 2048
"""Longest cursor accepted (characters); longer ones are refused before decoding."""

INVALID_CURSOR_TYPE = register_problem_type(
    "invalid-cursor", 400, "Invalid cursor", description="A pagination cursor was refused."
)
_KEY_PURPOSE = b"shipyard.api.pagination.cursor"
_DIRECTIONS: dict[str, Direction] = {"n": "next", "p": "prev"}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_FIX = "drop the cursor parameter to start again from the first page"


class InvalidCursor(HTTPProblem):
    """A 400 problem for a cursor that cannot be used, saying why and how to recover."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            400,
            "Invalid cursor",
            f"The cursor parameter {reason}; {_FIX}.",
            type=INVALID_CURSOR_TYPE.slug,
            extra={"parameter": "cursor"},
        )


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the sort-key values of a row and which way to go from it.

    ``inclusive`` cursors include the row with exactly these values: the way back from an
    empty page past the last row, whose own key is the only one known.
    """

    values: tuple[Any, ...]
    direction: Direction
    inclusive: bool = False


# -- type-tagged JSON values ------------------------------------------------------------

_ENCODERS: list[tuple[type, str, Callable[[Any], Any]]] = [
    # bool before int (bool is an int), datetime before date (datetime is a date)
    (bool, "", lambda value: value),
    (enum.Enum, "enum", lambda value: value.name),
    (datetime, "dt", lambda value: value.isoformat()),
    (date, "d", lambda value: value.isoformat()),
    (time, "t", lambda value: value.isoformat()),
    (Decimal, "dec", str),
    (uuid.UUID, "uuid", lambda value: value.hex),
    (float, "f", repr),
    (int, "", lambda value: value),
    (str, "", lambda value: value),
]
_DECODERS: dict[str, Callable[[str], Any]] = {
    # enum members are bound by name: SQLAlchemy's Enum type accepts the name string
    "enum": str,
    "dt": datetime.fromisoformat,
    "d": date.fromisoformat,
    "t": time.fromisoformat,
    "dec": Decimal,
    "uuid": uuid.UUID,
    "f": float,
}


def _encode_value(value: Any) -> Any:
    if value is None:
        return None
    for kind, tag, encode in _ENCODERS:
        if isinstance(value, kind):
            return {tag: encode(value)} if tag else encode(value)
    raise TypeError(
        f"cannot put a {type(value).__name__} sort-key value in a cursor; "
        "sort on columns of a plain type (number, string, date/time, Decimal, UUID, enum)"
    )


def _decode_value(raw: Any) -> Any:
    if raw is None or isinstance(raw, bool | int | str):
        return raw
    if isinstance(raw, dict) and len(raw) == 1:
        ((tag, text),) = raw.items()
        decoder = _DECODERS.get(tag)
        if decoder is not None and isinstance(text, str):
            try:
                return decoder(text)
            except (ValueError, InvalidOperation) as exc:
                raise InvalidCursor("holds a malformed value") from exc
    raise InvalidCursor("holds a value of an unknown type")


# -- encoding and signing ---------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):
        raise InvalidCursor("is not valid base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise InvalidCursor("is not valid base64url") from exc


def fingerprint(resource: str, sort: Sequence[tuple[str, bool, bool]]) -> str:
    """A short digest of a resource and its sort spec (name, descending, nullable)."""
    spec = json.dumps([resource, [list(term) for term in sort]], separators=(",", ":"))
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:16]


class CursorCodec:
    """Encodes and decodes cursors signed with one secret for one sort fingerprint."""

    def __init__(self, secret: str, fingerprint: str) -> None:
        self._key = hmac.new(secret.encode("utf-8"), _KEY_PURPOSE, hashlib.sha256).digest()
        self.fingerprint = fingerprint

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def encode(self, cursor: Cursor) -> str:
        """The opaque, URL-safe text of ``cursor``."""
        body = {
            "f": self.fingerprint,
            "d": cursor.direction[0],
            "v": [_encode_value(value) for value in cursor.values],
            "i": cursor.inclusive,
        }
        payload = json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, text: str, width: int) -> Cursor:
        """The cursor in ``text``, which must hold ``width`` sort-key values.

        Raises :class:`InvalidCursor` for anything but a cursor this codec made.
        """
        if len(text) > MAX_CURSOR_LENGTH:
            raise InvalidCursor(f"is longer than {MAX_CURSOR_LENGTH} characters")
        body_text, dot, signature_text = text.partition(".")
        if not dot or not body_text or not signature_text or not text.isascii():
            raise InvalidCursor("is not a cursor this API issued (it may be truncated)")
        payload, signature = _b64decode(body_text), _b64decode(signature_text)
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCursor("has been altered or was issued by another server")
        try:
            body = json.loads(payload)
        except ValueError as exc:  # signed but unreadable: a format from another version
            raise InvalidCursor("is in an unknown format") from exc
        if not isinstance(body, dict) or body.get("f") != self.fingerprint:
            raise InvalidCursor("was made for another sort order or resource")
        tag, values, inclusive = body.get("d"), body.get("v"), body.get("i")
        direction = _DIRECTIONS.get(tag) if isinstance(tag, str) else None
        if direction is None or not isinstance(values, list) or len(values) != width:
            raise InvalidCursor("is in an unknown format")
        if not isinstance(inclusive, bool):
            raise InvalidCursor("is in an unknown format")
        return Cursor(tuple(_decode_value(value) for value in values), direction, inclusive)
