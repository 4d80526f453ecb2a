"""Password hashing (Argon2id) and the password policy.

Hashing uses argon2-cffi's ``PasswordHasher`` with the parameters in ``auth.argon2_*``
(OWASP's recommendation by default: 19 MiB, 2 iterations, 1 lane). ``hash_password``,
``verify_password`` and ``burn_verification_time`` are coroutines: the work runs in the
bounded thread pool of :mod:`shipyard.auth.hashpool`, never on the event loop.
``verify_password`` also says when a stored hash was made with other parameters, so
login can rehash it. ``hash_password_sync`` is for synchronous code only (it blocks).
The policy refuses passwords shorter than ``auth.password_min_length`` and, offline, the
10,000 most common passwords (case-insensitive; the list ships with the package).
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from shipyard.auth.hashpool import run_hashing
from shipyard.config.models import AuthSettings

COMMON_PASSWORDS_FILE = "common_passwords.txt.gz"
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105  # nosec B105 - matches no password at all
"""The ``password_hash`` of an account nobody can log in to (never an Argon2 hash): the
in-memory users that policy checks and overviews build."""


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hasher(settings: AuthSettings) -> PasswordHasher:
    """The Argon2id hasher for these settings (one per parameter set)."""
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism
    )


def hash_password_sync(password: str, settings: AuthSettings) -> str:
    """An Argon2id hash (PHC string with its parameters and salt) of ``password``.

    Blocks the calling thread for the whole hash: never call it on the event loop (use
    :func:`hash_password`); it is for synchronous code such as a factory's ``build()``.
    """
    return hasher(settings).hash(password)


async def hash_password(password: str, settings: AuthSettings) -> str:
    """An Argon2id hash of ``password``, computed off the event loop."""
    return await run_hashing(settings, hash_password_sync, password, settings)


def _verify(password: str, password_hash: str, settings: AuthSettings) -> tuple[bool, bool]:
    ph = hasher(settings)
    try:
        ph.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, ph.check_needs_rehash(password_hash)


async def verify_password(
    password: str, password_hash: str, settings: AuthSettings
) -> tuple[bool, bool]:
    """``(ok, needs_rehash)``: whether ``password`` matches, and if the hash is outdated.

    Computed off the event loop. A malformed or foreign hash never matches (it does not
    raise).
    """
    return await run_hashing(settings, _verify, password, password_hash, settings)


_DUMMY_PASSWORD = "shipyard-timing-equaliser"  # noqa: S105  # nosec B105


def _burn(settings: AuthSettings) -> None:
    _verify(_DUMMY_PASSWORD, _dummy_hash(settings), settings)


async def burn_verification_time(settings: AuthSettings) -> None:
    """Spend the time of one verification, so unknown accounts answer as slowly as known ones."""
    await run_hashing(settings, _burn, settings)


@cache
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash(_DUMMY_PASSWORD)


def _dummy_hash(settings: AuthSettings) -> str:
    return _dummy_hash_for(
        settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism
    )


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower-cased."""
    data = files("shipyard.auth").joinpath(COMMON_PASSWORDS_FILE).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def is_common_password(password: str) -> bool:
    """True if ``password`` (ignoring case and surrounding spaces) is on the common list."""
    return unicodedata.normalize("NFKC", password).strip().lower() in common_passwords()


def password_problems(password: str, settings: AuthSettings) -> list[str]:
    """What is wrong with ``password`` under the policy, as messages for the user."""
    problems: list[str] = []
    if len(password) < settings.password_min_length:
        problems.append(f"Use at least {settings.password_min_length} characters.")
    if len(password) > settings.password_max_length:
        problems.append(f"Use at most {settings.password_max_length} characters.")
    if not password.strip():
        problems.append("The password cannot be only spaces.")
    elif settings.reject_common_passwords and is_common_password(password):
        problems.append(
            "This password is one of the most commonly used ones and is easy to guess; "
            "choose another."
        )
    return problems
