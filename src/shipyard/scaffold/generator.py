"""Rendering a template folder into a new project (what ``shipyard new`` writes).

:func:`validate_project_name` enforces the naming rules; :func:`render_project` copies
``scaffold/project/`` into the target folder (see the package docstring for the
``.jinja`` and ``dot-`` conventions) and refuses a folder that already holds files.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from jinja2 import Environment, StrictUndefined

from shipyard.errors import ShipyardError

PROJECT_TEMPLATE = Path(__file__).parent / "project"
TEMPLATE_SUFFIX = ".jinja"
DOT_PREFIX = "dot-"
MAX_NAME_LENGTH = 64
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
NAME_RULE = "use letters, digits, '-' and '_', starting with a letter"
# Packages a project folder on sys.path must not shadow, besides the standard library.
RESERVED_NAMES = frozenset(
    {
        "shipyard",
        "app",
        "test",
        "tests",
        "fastapi",
        "starlette",
        "pydantic",
        "sqlalchemy",
        "alembic",
    }
    | {"jinja2", "pytest", "httpx", "uvicorn", "typer"}
)

Database = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class ProjectContext:
    """The values templates see: ``name`` as typed and its ``module`` form (``my_blog``).

    ``db`` is the database of development and tests; ``auth`` wires the accounts (the
    account pages, API tokens and an admin seed).
    """

    name: str
    module: str
    db: Database
    auth: bool = True


def validate_project_name(name: str) -> str:
    """Return ``name``'s module form (``my-blog`` -> ``my_blog``) or raise naming the rule."""
    if not name:
        raise ShipyardError(f"invalid project name {name!r}: it is empty ({NAME_RULE})")
    if len(name) > MAX_NAME_LENGTH:
        raise ShipyardError(
            f"invalid project name {name!r}: longer than {MAX_NAME_LENGTH} characters"
        )
    if not NAME_PATTERN.fullmatch(name):
        raise ShipyardError(f"invalid project name {name!r}: {NAME_RULE}")
    module = name.replace("-", "_").lower()
    if keyword.iskeyword(module) or keyword.iskeyword(name):
        raise ShipyardError(f"invalid project name {name!r}: it is a Python keyword")
    if module in sys.stdlib_module_names or module in RESERVED_NAMES:
        raise ShipyardError(
            f"invalid project name {name!r}: it would shadow the Python module {module!r}",
            hint="pick a more specific name, e.g. 'my-" + name + "'",
        )
    return module


def render_project(
    name: str, target: Path, *, db: Database = "sqlite", auth: bool = True
) -> list[Path]:
    """Write a new project called ``name`` into ``target``; return the files written."""
    module = validate_project_name(name)
    _ensure_empty(target)
    context = ProjectContext(name=name, module=module, db=db, auth=auth)
    return render_tree(PROJECT_TEMPLATE, target, context)


def render_tree(source: Path, target: Path, context: ProjectContext) -> list[Path]:
    """Copy ``source`` into ``target``, rendering ``.jinja`` files with ``context``."""
    # Renders source code and config files, not HTML, so autoescaping would corrupt them.
    env = Environment(  # noqa: S701  # nosec B701
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True
    )
    variables = asdict(context)
    written: list[Path] = []
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(source)
        destination = target / relative.parent / _output_name(relative.name)
        if path.name.endswith(TEMPLATE_SUFFIX):
            text = env.from_string(path.read_text(encoding="utf-8")).render(variables)
            if not text.strip():
                continue  # the template leaves this file out for these options
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(text, encoding="utf-8")
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
        written.append(destination)
    return written


def _output_name(name: str) -> str:
    if name.endswith(TEMPLATE_SUFFIX):
        name = name.removesuffix(TEMPLATE_SUFFIX)
    if name.startswith(DOT_PREFIX):
        name = "." + name.removeprefix(DOT_PREFIX)
    return name


def _ensure_empty(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ShipyardError(f"cannot create the project in {target}: it is a file")
    if target.is_dir() and any(target.iterdir()):
        raise ShipyardError(
            f"target folder {target} is not empty",
            hint="choose a new folder with --directory or empty this one",
        )
