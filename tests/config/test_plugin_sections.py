"""Installed packages add settings sections through the ``shipyard.settings`` entry points."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from shipyard.config.errors import ConfigError
from shipyard.config.loader import load_settings
from shipyard.config.plugin_sections import with_plugin_sections
from shipyard.config.reference import settings_reference
from shipyard.errors import ShipyardError

SECTION_SOURCE = '''
from pydantic import Field

from shipyard.config.sections.base import Section


class BillingSettings(Section):
    """Billing provider credentials."""

    key: str = Field(default="", description="API key of the billing provider.")
    retries: int = Field(default=3, ge=0, description="Attempts per charge.")


not_a_section = object()
'''


@pytest.fixture(autouse=True)
def fresh_discovery() -> Iterator[None]:
    with_plugin_sections.cache_clear()
    yield
    with_plugin_sections.cache_clear()


def install(root: Path, entry_points: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "fakebilling.py").write_text(SECTION_SOURCE)
    info = root / "fakebilling-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakebilling\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    monkeypatch.syspath_prepend(str(root))


def project(root: Path, toml: str) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.toml").write_text(textwrap.dedent(toml))
    return root


def test_a_plugin_section_is_validated_like_a_built_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "[shipyard.settings]\nbilling = fakebilling:BillingSettings\n", monkeypatch)
    root = project(tmp_path / "app", '[billing]\nkey = "from-toml"\n')

    settings = load_settings(root, environ={"SHIPYARD_BILLING__RETRIES": "5"})

    billing = settings.billing  # type: ignore[attr-defined]
    assert (billing.key, billing.retries) == ("from-toml", 5)
    assert "| `billing.key` | str |" in settings_reference()


def test_a_typo_in_a_plugin_section_names_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "[shipyard.settings]\nbilling = fakebilling:BillingSettings\n", monkeypatch)
    root = project(tmp_path / "app", '[billing]\nkee = "x"\n')

    with pytest.raises(ConfigError) as raised:
        load_settings(root, environ={})
    assert "did you mean 'billing.key'" in str(raised.value)


def test_without_the_plugin_the_section_is_an_unknown_key(tmp_path: Path) -> None:
    root = project(tmp_path / "app", '[billing]\nkey = "x"\n')

    with pytest.raises(ConfigError) as raised:
        load_settings(root, environ={})
    assert "billing" in str(raised.value)


def test_an_entry_point_that_is_not_a_section_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "[shipyard.settings]\nbilling = fakebilling:not_a_section\n", monkeypatch)

    with pytest.raises(ShipyardError, match="not a shipyard Section subclass"):
        load_settings(project(tmp_path / "app", ""), environ={})
