"""The cursor format: typed values round-trip; anything but an issued cursor is refused."""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from tests.api.pagination.models import Colour

from shipyard.api.pagination import Cursor, CursorCodec, InvalidCursor
from shipyard.api.pagination.cursor import MAX_CURSOR_LENGTH, fingerprint

CODEC = CursorCodec("secret", fingerprint("/things", [("when", True, True), ("id", False, False)]))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**70),
        "naïve/+=&?",
        1 / 3,
        datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
        date(1999, 12, 31),
        time(8, 30, 1),
        Decimal("-12345678901234567890.000001"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
    ],
)
def test_values_round_trip_with_their_type(value: Any) -> None:
    text = CODEC.encode(Cursor((value, 7), "prev"))
    decoded = CODEC.decode(text, 2)
    assert decoded == Cursor((value, 7), "prev")
    assert type(decoded.values[0]) is type(value)


def test_enums_travel_by_name() -> None:
    assert CODEC.decode(CODEC.encode(Cursor((Colour.blue, 1), "next")), 2).values[0] == "blue"


def test_cursor_is_url_safe_and_opaque() -> None:
    text = CODEC.encode(Cursor(("secret plan", 1), "next"))
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert "secret plan" not in text


def test_unsupported_value_type_is_a_clear_programming_error() -> None:
    with pytest.raises(TypeError, match="cannot put a bytes sort-key value in a cursor"):
        CODEC.encode(Cursor((b"raw", 1), "next"))


def _reason(text: str, width: int = 2, codec: CursorCodec = CODEC) -> str:
    with pytest.raises(InvalidCursor) as caught:
        codec.decode(text, width)
    assert caught.value.status_code == 400
    return str(caught.value.detail)


def _forge(body: dict[str, Any], codec: CursorCodec = CODEC) -> str:
    """A correctly signed cursor with any body (what only the server could make)."""
    payload = json.dumps(body).encode()
    encoded = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(codec._sign(payload)).rstrip(b"=").decode()
    return f"{encoded}.{signature}"


GOOD = CODEC.encode(Cursor((datetime(2024, 1, 1, tzinfo=UTC), 5), "next"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a cursor this API issued"),
        ("garbage", "not a cursor this API issued"),
        ("no-signature.", "not a cursor this API issued"),
        ("%%%.@@@", "not valid base64url"),
        ("é.é", "not a cursor this API issued"),
        (GOOD[: len(GOOD) // 2], "it may be truncated"),
        (GOOD[:-3], "altered"),
        (GOOD.split(".")[0] + "x." + GOOD.split(".")[1], "altered"),
        ("A" * (MAX_CURSOR_LENGTH + 1), f"longer than {MAX_CURSOR_LENGTH}"),
    ],
)
def test_garbage_truncated_tampered_and_oversized_cursors_are_refused(
    text: str, reason: str
) -> None:
    assert reason in _reason(text)


def test_a_flipped_bit_in_the_payload_is_refused() -> None:
    body, signature = GOOD.split(".")
    payload = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload[-5] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(payload)).rstrip(b"=").decode()
    assert "altered" in _reason(f"{tampered}.{signature}")


def test_cursor_of_another_secret_is_refused() -> None:
    other = CursorCodec("another secret", CODEC.fingerprint)
    assert "altered or was issued by another server" in _reason(GOOD, codec=other)


def test_cursor_of_another_sort_or_resource_is_refused() -> None:
    other_sort = CursorCodec("secret", fingerprint("/things", [("id", False, False)]))
    other_resource = CursorCodec("secret", fingerprint("/others", [("when", True, True)]))
    for codec in (other_sort, other_resource):
        assert "made for another sort order or resource" in _reason(GOOD, codec=codec)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"f": CODEC.fingerprint},
        {"f": CODEC.fingerprint, "d": "x", "v": [1, 2], "i": False},
        {"f": CODEC.fingerprint, "d": ["n"], "v": [1, 2], "i": False},
        {"f": CODEC.fingerprint, "d": "n", "v": [1], "i": False},
        {"f": CODEC.fingerprint, "d": "n", "v": [1, 2], "i": "yes"},
        {"f": CODEC.fingerprint, "d": "n", "v": [{"dt": "not a date"}, 2], "i": False},
        {"f": CODEC.fingerprint, "d": "n", "v": [{"evil": "x"}, 2], "i": False},
        {"f": CODEC.fingerprint, "d": "n", "v": [[1], 2], "i": False},
        {"f": CODEC.fingerprint, "d": "n", "v": [{"dec": 5}, 2], "i": False},
    ],
)
def test_signed_but_malformed_bodies_are_refused_not_crashed(body: Any) -> None:
    assert _reason(_forge(body))


def test_signed_but_unparsable_payload_is_refused() -> None:
    payload = b"\xff\xfe not json"
    text = (
        base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        + "."
        + base64.urlsafe_b64encode(CODEC._sign(payload)).rstrip(b"=").decode()
    )
    assert "unknown format" in _reason(text)


def test_random_input_is_always_a_400_never_a_crash() -> None:
    rng = random.Random(3)
    alphabet = string.ascii_letters + string.digits + "-_.=%+/ \x00é"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        with pytest.raises(InvalidCursor):
            CODEC.decode(text, 2)
