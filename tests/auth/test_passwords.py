"""Password hashing and policy: Argon2id parameters, rehash detection, common passwords."""

from __future__ import annotations

import pytest

from shipyard.auth.passwords import (
    hash_password,
    is_common_password,
    password_problems,
    verify_password,
)
from shipyard.config.models import AuthSettings

FAST = AuthSettings(argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1)


async def test_hash_is_argon2id_with_configured_parameters() -> None:
    hashed = await hash_password("a long enough secret", FAST)
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert await hash_password("a long enough secret", FAST) != hashed  # salted


def test_default_parameters_are_owasp() -> None:
    settings = AuthSettings()
    assert (settings.argon2_memory_cost, settings.argon2_time_cost) == (19_456, 2)
    assert settings.argon2_parallelism == 1
    assert settings.password_min_length == 12


async def test_verify_right_and_wrong_password() -> None:
    hashed = await hash_password("a long enough secret", FAST)
    assert await verify_password("a long enough secret", hashed, FAST) == (True, False)
    assert await verify_password("a long enough secreT", hashed, FAST) == (False, False)


async def test_parameter_change_asks_for_rehash() -> None:
    hashed = await hash_password("a long enough secret", FAST)
    stronger = FAST.model_copy(update={"argon2_time_cost": 2})
    assert await verify_password("a long enough secret", hashed, stronger) == (True, True)


@pytest.mark.parametrize(
    "garbage", ["", "plaintext", "$argon2id$v=19$m=8,t=1,p=1$broken", "$2b$12$abc"]
)
async def test_malformed_hash_never_matches_nor_raises(garbage: str) -> None:
    assert await verify_password("whatever", garbage, FAST) == (False, False)


@pytest.mark.parametrize("password", ["password", "PASSWORD", " qwerty ", "Iloveyou", "trustno1"])
def test_common_passwords_are_found_whatever_the_case(password: str) -> None:
    assert is_common_password(password)


def test_uncommon_password_is_not_common() -> None:
    assert not is_common_password("violet-harbour-engine-47")


def test_policy_messages() -> None:
    settings = AuthSettings()
    assert password_problems("short", settings) == ["Use at least 12 characters."]
    common = password_problems("qwertyuiop123", settings)
    assert any("most commonly used" in problem for problem in common)
    assert password_problems("violet-harbour-engine-47", settings) == []
    assert password_problems(" " * 20, settings) == ["The password cannot be only spaces."]
    assert password_problems("x" * 2000, settings) == ["Use at most 1024 characters."]


def test_common_check_can_be_switched_off() -> None:
    settings = AuthSettings(reject_common_passwords=False, password_min_length=8)
    assert password_problems("password1", settings) == []
