"""`shipyard dev` and `shipyard run` serve a generated project for real (subprocesses)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.cli.support import Server, generate

from shipyard.testing.services import free_port

pytestmark = pytest.mark.slow


def test_dev_serves_the_home_page_and_reloads_on_code_not_config(tmp_path: Path) -> None:
    project = generate(tmp_path, "devblog")
    server = Server(["dev"], cwd=project, port=free_port())
    try:
        home = server.get("/")
        assert "Welcome to devblog" in home.text
        assert server.get("/health").json()["profile"] == "development"
        settings = project / "config/settings.toml"
        settings.write_text(settings.read_text() + "\n# edited: the app reloads it itself\n")
        time.sleep(1)
        home_py = project / "app/home.py"
        home_py.write_text(
            home_py.read_text()
            + '\n\n@router.get("/added")\nasync def added() -> dict[str, str]:\n'
            + '    return {"added": "yes"}\n'
        )
        assert server.get("/added").json() == {"added": "yes"}
    finally:
        output = server.stop()
    assert "applied shipyard_sessions_0001" in output  # migrated before serving
    assert "detected changes in 'app/home.py'" in output
    assert "detected changes in 'config/settings.toml'" not in output  # no restart for it


def test_run_serves_with_two_uvicorn_workers(blog: Path) -> None:
    server = Server(["run", "--workers", "2", "--server", "uvicorn"], cwd=blog, port=free_port())
    try:
        assert "Welcome to blog" in server.get("/").text
        # Stopping while the second worker still loads the app would kill it unstarted.
        server.wait_for_output("Application startup complete", count=2)
    finally:
        output = server.stop()
    assert output.count("Started server process") == 2, output
    assert "warning: debug is on" in output


def test_run_serves_with_granian_by_default(blog: Path) -> None:
    server = Server(["run", "--workers", "2"], cwd=blog, port=free_port())
    try:
        assert "Welcome to blog" in server.get("/").text
        server.wait_for_output("Started worker", count=2)
    finally:
        output = server.stop()
    assert output.count("Started worker") == 2, output


def test_run_with_a_missing_app_is_one_line(tmp_path: Path) -> None:
    server = Server(["run"], cwd=tmp_path, port=free_port())
    server.process.wait(timeout=60)
    output = server.stop()
    assert server.process.returncode == 1
    assert output.startswith("error: cannot import module 'app.main'")
    assert len(output.strip().splitlines()) == 1
