"""Choosing the profile: argument, SHIPYARD_PROFILE (environment or .env), or development."""

from __future__ import annotations

import pytest
from tests.config.conftest import Project

from shipyard.config import ConfigError, available_profiles


@pytest.fixture
def profiles(project: Project) -> Project:
    project.write("config/settings.toml", "[app]\nname = 'base'\n")
    project.write(
        "config/settings.production.toml",
        f"[app]\nname = 'prod'\nsecret_key = '{'k' * 40}'\nbase_url = 'https://prod.example'\n"
        "[mail]\nbackend = 'custom'\n",
    )
    project.write("config/settings.staging.toml", "[app]\nname = 'staging'\n")
    return project


def test_development_is_the_default(profiles: Project) -> None:
    loaded = profiles.load()
    assert (loaded.profile, loaded.settings.profile) == ("development", "development")
    assert loaded.settings.app.name == "base"


def test_environment_variable_selects_the_profile_file(profiles: Project) -> None:
    loaded = profiles.load(environ={"SHIPYARD_PROFILE": "production"})
    assert loaded.settings.profile == "production"
    assert loaded.settings.is_production
    assert loaded.settings.app.name == "prod"
    assert loaded.provenance["profile"].describe() == "environment variable SHIPYARD_PROFILE"


def test_argument_beats_the_environment(profiles: Project) -> None:
    loaded = profiles.load("staging", environ={"SHIPYARD_PROFILE": "production"})
    assert (loaded.settings.profile, loaded.settings.app.name) == ("staging", "staging")
    assert loaded.provenance["profile"].kind == "argument"


def test_dotenv_can_select_the_profile(profiles: Project) -> None:
    profiles.write(".env", "SHIPYARD_PROFILE=production\n")
    assert profiles.load().settings.app.name == "prod"


def test_builtin_profile_without_a_file_is_fine(profiles: Project) -> None:
    loaded = profiles.load("test")
    assert (loaded.settings.profile, loaded.settings.app.name) == ("test", "base")


def test_unknown_profile_lists_the_available_ones(profiles: Project) -> None:
    with pytest.raises(ConfigError) as caught:
        profiles.load("prodution")
    message = str(caught.value)
    assert "unknown profile 'prodution'" in message
    assert "available: development, production, staging, test" in message
    assert caught.value.problems[0].key == "profile"


@pytest.mark.parametrize("name", ["../etc", "local", "", "a/b", "prod uction"])
def test_hostile_profile_names_are_rejected(profiles: Project, name: str) -> None:
    with pytest.raises(ConfigError, match="unknown profile"):
        profiles.load(name)


def test_available_profiles_ignores_local_and_odd_names(profiles: Project) -> None:
    profiles.write("config/settings.local.toml", "")
    profiles.write("config/settings.a b.toml", "")
    assert available_profiles(profiles.root / "config") == [
        "development",
        "production",
        "staging",
        "test",
    ]


def test_profile_cannot_be_set_in_a_file(project: Project) -> None:
    project.write("config/settings.toml", "profile = 'production'\n")
    with pytest.raises(ConfigError) as caught:
        project.load()
    assert "config/settings.toml:1: profile: the profile cannot be set" in str(caught.value)
