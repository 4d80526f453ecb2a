"""The session cookie signer: itsdangerous-compatible, and strict with hostile values."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import pytest
from itsdangerous import TimestampSigner

from shipyard.sessions.signing import CookieSigner

SECRET = "s" * 40
SALT = "shipyard.session"
VALUE = "owner~" + "a" * 43


@pytest.fixture
def signer() -> CookieSigner:
    return CookieSigner(SECRET, SALT)


def reference() -> TimestampSigner:
    return TimestampSigner(SECRET, salt=SALT, digest_method=hashlib.sha256)


def test_values_signed_by_itsdangerous_are_accepted(signer: CookieSigner) -> None:
    assert signer.unsign(reference().sign(VALUE).decode(), max_age=60) == VALUE


def test_it_signs_exactly_as_itsdangerous_does(
    signer: CookieSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_700_000_000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)
    signed = signer.sign(VALUE, now=now)
    assert signed == reference().sign(VALUE).decode()
    assert reference().unsign(signed, max_age=60).decode() == VALUE


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # signature changed
        lambda s: "b" + s[1:],  # value changed
        lambda s: s.rsplit(".", 1)[0],  # signature dropped
        lambda s: s.rsplit(".", 1)[0] + ".",  # empty signature
        lambda s: s + "=",  # padding appended
        lambda s: s.replace(".", "", 1),  # timestamp glued to the value
        lambda s: s + "é",  # non-ASCII signature
        lambda s: "",
        lambda s: "....",
    ],
)
def test_tampered_values_are_refused(signer: CookieSigner, forge: Callable[[str], str]) -> None:
    signed = signer.sign(VALUE)
    assert signer.unsign(forge(signed), max_age=60) is None


def test_another_key_or_salt_is_refused(signer: CookieSigner) -> None:
    assert CookieSigner("t" * 40, SALT).unsign(signer.sign(VALUE), max_age=60) is None
    assert CookieSigner(SECRET, "other").unsign(signer.sign(VALUE), max_age=60) is None


def test_expired_and_future_values_are_refused(signer: CookieSigner) -> None:
    now = time.time()
    signed = signer.sign(VALUE, now=now)
    assert signer.unsign(signed, max_age=60, now=now + 60) == VALUE
    assert signer.unsign(signed, max_age=60, now=now + 61.5) is None
    assert signer.unsign(signed, max_age=60, now=now - 2) is None


def test_a_forged_timestamp_with_a_valid_looking_layout_is_refused(signer: CookieSigner) -> None:
    value, _, signature = signer.sign(VALUE).split(".")
    late = signer.sign("x", now=time.time() + 10_000).split(".")[1]
    assert signer.unsign(f"{value}.{late}.{signature}", max_age=60) is None
