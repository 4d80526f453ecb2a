"""The tutorial cannot rot: its commands run as written, in order, in a fresh folder.

From docs/tutorial.md, ``console`` blocks give commands (lines starting with ``$ ``) and
blocks with a ``title="path"`` give files: a ``python`` block is the whole file, a
``diff`` block is applied with ``patch -p1``. The install steps (the virtual environment
and ``pip install``) are the environment running this test, whose ``bin`` folder comes
first on ``PATH``; ``shipyard dev`` is served on a free port until its home page answers,
then stopped. Every other command must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from shipyard.testing.services import free_port, running_server

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.S | re.M)
TITLE = re.compile(r'title="([^"]+)"')
INSTALL_STEPS = ("python3 -m venv ", ". .venv/bin/activate", "pip install ")
DEV_SERVER = "shipyard dev"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Step:
    """One thing the reader does: run ``command``, or write/patch the file ``path``."""

    kind: str  # "run", "install", "serve", "write" or "patch"
    text: str
    path: str = ""


def steps(markdown: str) -> list[Step]:
    found: list[Step] = []
    for language, info, body in FENCE.findall(markdown):
        title = TITLE.search(info)
        if language == "console":
            for line in body.splitlines():
                if line.startswith("$ "):
                    found.append(Step(_kind(line[2:]), line[2:]))
        elif title is not None:
            found.append(Step("patch" if language == "diff" else "write", body, title.group(1)))
    return found


def _kind(command: str) -> str:
    if command.startswith(INSTALL_STEPS):
        return "install"
    return "serve" if command == DEV_SERVER else "run"


def reader_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_tutorial_has_the_steps_this_test_knows() -> None:
    found = steps(TUTORIAL.read_text())
    commands = [step.text for step in found if step.kind != "write"]
    assert commands[:3] == ["python3 -m venv .venv", ". .venv/bin/activate", "pip install shipyard"]
    assert "shipyard new blog" in commands
    assert any(text.startswith("shipyard scaffold crud Post ") for text in commands)
    assert [step.kind for step in found].count("serve") == 1
    assert {step.path for step in found if step.kind in ("write", "patch")} == {
        "app/routes.py",
        "app/jobs.py",
        "tests/test_login_required.py",
        "tests/posts/test_pages.py",
        "tests/posts/test_jobs.py",
    }


@pytest.mark.slow
def test_every_command_of_the_tutorial_works(tmp_path: Path) -> None:
    env = reader_environment()
    cwd = tmp_path
    done: list[str] = []
    for step in steps(TUTORIAL.read_text()):
        done.append(f"{step.kind} {step.path or step.text}")
        if step.kind == "install":
            continue
        if step.kind == "write":
            (cwd / step.path).write_text(step.text, encoding="utf-8")
        elif step.kind == "patch":
            _must_pass(["patch", "-p1"], cwd, env, done, stdin=step.text)
        elif step.kind == "serve":
            _serve(step.text, cwd, env, tmp_path / "dev.log")
        elif step.text.startswith("cd "):
            cwd = cwd / step.text.removeprefix("cd ")
        else:
            _must_pass(["bash", "-c", step.text], cwd, env, done)


def _must_pass(
    command: list[str], cwd: Path, env: dict[str, str], done: list[str], stdin: str | None = None
) -> None:
    result = subprocess.run(  # nosec B603  # the tutorial's own commands
        command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, (
        "\n".join(done) + f"\n-> exit {result.returncode}\n{result.stdout}{result.stderr}"
    )


def _serve(command: str, cwd: Path, env: dict[str, str], log: Path) -> None:
    port = free_port()
    server_env = env | {"SHIPYARD_SERVER__PORT": str(port)}
    url = f"http://127.0.0.1:{port}/"
    with running_server(
        shlex.split(command), probe=url, log=log, cwd=cwd, env=server_env, startup_timeout=120
    ):
        pass
