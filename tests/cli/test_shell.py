"""`shipyard shell`: app, settings, db, session and models preloaded; top-level await."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.support import generate, run_shipyard

pytestmark = pytest.mark.slow

MODEL = """

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Ship(Model):
    __tablename__ = "ships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
"""

SCRIPT = """\
print("answer", await session.scalar(text("SELECT 40 + 2")))
print("names", type(app).__name__, settings.profile, type(db).__name__, Ship.__tablename__)
async def twice(x):
    return 2 * x

print("defined", await twice(21))
"""


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate(tmp_path_factory.mktemp("shell"), "harbour")
    with (project / "app/models.py").open("a") as models:
        models.write(MODEL)
    return project


@pytest.mark.parametrize("flag", ["--no-ipython", "--ipython"])
def test_await_and_preloaded_names(harbour: Path, flag: str) -> None:
    result = run_shipyard("shell", flag, cwd=harbour, stdin=SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "answer 42" in result.stdout
    assert "names App development Database ships" in result.stdout
    assert "defined 42" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_errors_in_the_shell_do_not_end_it(harbour: Path) -> None:
    script = "1 / 0\nprint('still', 'here')\n"
    result = run_shipyard("shell", "--no-ipython", cwd=harbour, stdin=script)
    assert result.returncode == 0
    assert "ZeroDivisionError" in result.stderr
    assert "still here" in result.stdout


def test_shell_outside_a_project_is_one_line(tmp_path: Path) -> None:
    result = run_shipyard("shell", cwd=tmp_path, stdin="")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot import module 'app.main'")
