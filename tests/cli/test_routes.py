"""`shipyard routes`: methods, path, name and handler of every route, mounts included."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.support import run_shipyard
from typer.testing import CliRunner

from shipyard.cli.main import cli

APP_SOURCE = """
from pathlib import Path

from fastapi import APIRouter, WebSocket
from starlette.routing import Route, Router
from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles

from shipyard.app import App
from shipyard.config.models import Settings

posts = APIRouter(prefix="/posts")


@posts.get("/{post_id}", name="post-detail")
async def show(post_id: int) -> dict[str, int]:
    return {"id": post_id}


@posts.post("", name="post-create")
async def create() -> dict[str, str]:
    return {}


async def ping(request):
    return PlainTextResponse("pong")


app = App(settings=Settings(), docs_url=None, redoc_url=None, openapi_url=None)
app.include_router(posts)


@app.websocket("/ws")
async def socket(websocket: WebSocket) -> None:
    await websocket.close()


Path("files").mkdir(exist_ok=True)
app.mount("/files", StaticFiles(directory="files"), name="files")
app.mount("/legacy", Router(routes=[Route("/ping", ping, name="ping")]))
"""


def test_json_lists_every_route_sorted_by_path(
    runner: CliRunner, clean_env: Path, module_name: str
) -> None:
    (clean_env / f"{module_name}.py").write_text(APP_SOURCE)
    result = runner.invoke(cli, ["routes", "--app", f"{module_name}:app", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    preview = "shipyard.web.mail_preview:MailPreviewExtension"
    assert rows == [
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail",
            "name": "shipyard_mail_preview",
            "handler": f"{preview}.index",
        },
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail/inbox",
            "name": "shipyard_mail_inbox",
            "handler": f"{preview}.inbox",
        },
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail/inbox/{mail_id}",
            "name": "shipyard_mail_inbox_mail",
            "handler": f"{preview}.sent",
        },
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail/inbox/{mail_id}/html",
            "name": "shipyard_mail_inbox_html",
            "handler": f"{preview}.sent_html",
        },
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail/{name}",
            "name": "shipyard_mail_preview_detail",
            "handler": f"{preview}.detail",
        },
        {
            "methods": ["GET"],
            "path": "/_shipyard/mail/{name}/html",
            "name": "shipyard_mail_preview_html",
            "handler": f"{preview}.html",
        },
        {
            "methods": ["MOUNT"],
            "path": "/_shipyard/static",
            "name": "shipyard_static",
            "handler": "shipyard.web.static:StaticFiles",
        },
        {
            "methods": ["MOUNT"],
            "path": "/files",
            "name": "files",
            "handler": "starlette.staticfiles:StaticFiles",
        },
        {
            "methods": ["GET", "HEAD"],
            "path": "/legacy/ping",
            "name": "ping",
            "handler": f"{module_name}:ping",
        },
        {
            "methods": ["GET"],
            "path": "/metrics",
            "name": "metrics",
            "handler": "shipyard.observability.metrics:scrape",
        },
        {
            "methods": ["POST"],
            "path": "/posts",
            "name": "post-create",
            "handler": f"{module_name}:create",
        },
        {
            "methods": ["GET"],
            "path": "/posts/{post_id}",
            "name": "post-detail",
            "handler": f"{module_name}:show",
        },
        {
            "methods": ["GET"],
            "path": "/problems/",
            "name": "problem_types",
            "handler": "shipyard.web.problem_pages:problem_type_index",
        },
        {
            "methods": ["GET"],
            "path": "/problems/{slug}",
            "name": "problem_type",
            "handler": "shipyard.web.problem_pages:problem_type_page",
        },
        {
            "methods": ["GET"],
            "path": "/ready",
            "name": "health_ready",
            "handler": "shipyard.observability.health:ready",
        },
        {
            "methods": ["MOUNT"],
            "path": "/static",
            "name": "static",
            "handler": "shipyard.web.static:StaticFiles",
        },
        {
            "methods": ["GET"],
            "path": "/up",
            "name": "health_up",
            "handler": "shipyard.observability.health:up",
        },
        {"methods": ["WS"], "path": "/ws", "name": "socket", "handler": f"{module_name}:socket"},
    ]


def test_table_of_the_generated_project(blog: Path) -> None:
    result = run_shipyard("routes", cwd=blog)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    home = next(line for line in lines if "app.home:home" in line)
    assert "GET" in home
    assert " / " in home
    assert any("/health" in line and "app.home:health" in line for line in lines)
    assert lines.index(home) < next(i for i, line in enumerate(lines) if "/health" in line)


def test_missing_app_is_one_clear_line(runner: CliRunner, clean_env: Path) -> None:
    result = runner.invoke(cli, ["routes"])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot import module 'app.main'")
    assert len(result.output.strip().splitlines()) == 1
