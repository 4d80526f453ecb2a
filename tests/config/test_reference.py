"""The settings reference page is generated from the fields and kept up to date."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.config.models import Settings
from shipyard.config.reference import settings_reference
from shipyard.config.schema import model_of

PAGE = Path(__file__).resolve().parents[2] / "docs" / "settings-reference.md"


def test_the_committed_page_is_what_the_fields_say() -> None:
    assert PAGE.read_text() == settings_reference(), (
        "docs/settings-reference.md is stale: run `shipyard config reference >"
        " docs/settings-reference.md`"
    )


def test_every_section_and_key_is_listed_with_its_variable() -> None:
    text = settings_reference()
    for name in Settings.model_fields:
        if name != "profile":
            assert f"## `[{name}]`" in text
    assert "| `ratelimit.storage` |" in text
    assert "`SHIPYARD_RATELIMIT__STORAGE`" in text
    assert "change-me" not in text.lower()  # secrets are never printed


def test_the_cli_prints_it() -> None:
    result = CliRunner().invoke(cli, ["config", "reference"])
    assert result.exit_code == 0
    assert result.output == settings_reference()


def _undescribed(model: type[BaseModel], prefix: str) -> list[str]:
    missing: list[str] = []
    for name, field in model.model_fields.items():
        section = model_of(field.annotation)
        if section is not None:
            missing += _undescribed(section, f"{prefix}{name}.")
        elif not (field.description or "").strip():
            missing.append(f"{prefix}{name}")
    return missing


def test_every_settings_field_has_a_description() -> None:
    assert _undescribed(Settings, "") == []
