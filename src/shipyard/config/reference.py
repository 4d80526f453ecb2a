"""The settings reference: every settings key with its type, default and description.

``shipyard config reference`` prints it, and ``docs/settings-reference.md`` is this text
(a test keeps the page equal to what the fields say), so the reference cannot drift from
the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_core import PydanticUndefined

from shipyard.config.models import Settings
from shipyard.config.plugin_sections import with_plugin_sections
from shipyard.config.schema import model_of

_TYPING_NOISE = re.compile(r"\b(typing|pathlib|pydantic\.types|datetime)\.")


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return _TYPING_NOISE.sub("", text or str(annotation)).replace("NoneType", "None")


def _default(field: Any) -> str:
    if field.default is PydanticUndefined:
        factory = field.default_factory
        return "" if factory is None else f"`{factory()!r}`"
    if isinstance(field.default, SecretStr):
        return "(secret)"
    if isinstance(field.default, BaseModel):
        return ""
    if isinstance(field.default, PurePath):
        return f"`{field.default}`"
    return f"`{field.default!r}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        if model_of(field.annotation) is not None:
            continue
        env = "SHIPYARD_" + key.upper().replace(".", "__")
        yield (
            f"| `{key}` | {_cell(_type_name(field.annotation))} | {_cell(_default(field))} "
            f"| `{env}` | {_cell(field.description or '')} |"
        )


def settings_reference(settings_class: type[Settings] = Settings) -> str:
    """The reference as Markdown: one table per section, installed plugins' included."""
    settings_class = with_plugin_sections(settings_class)
    lines = [
        "# Settings reference",
        "",
        "Every key Shipyard reads, generated from the settings classes"
        " (`shipyard config reference` prints this page). Set a key in"
        " `config/settings.toml` under its section, per profile in"
        " `config/settings.<profile>.toml`, or with the environment variable shown.",
        "",
    ]
    top = list(_rows(settings_class, ""))
    if top:
        lines += ["## Top level", "", *_header(), *top, ""]
    lines += _sections(settings_class, "")
    return "\n".join(lines).rstrip() + "\n"


def _sections(model: type[BaseModel], prefix: str) -> list[str]:
    """One table per section below ``model``, nested sections after their parent."""
    lines: list[str] = []
    for name, field in model.model_fields.items():
        section = model_of(field.annotation)
        if section is None:
            continue
        key = f"{prefix}{name}"
        lines += [f"{'#' * (2 + key.count('.'))} `[{key}]`", ""]
        if section.__doc__:
            lines += [" ".join(section.__doc__.split()), ""]
        lines += [*_header(), *_rows(section, f"{key}."), ""]
        lines += _sections(section, f"{key}.")
    return lines


def _header() -> list[str]:
    return ["| key | type | default | environment | description |", "|---|---|---|---|---|"]
