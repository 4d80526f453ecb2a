"""Error bodies: FastAPI's `{"detail": ...}` on request, problem details with FastAPI's entries.

With ``api.error_format = "fastapi"`` JSON clients get exactly what a ``FastAPI()`` app
sends; in the default problem mode a validation error still lists FastAPI's members for
each field (``loc``, ``msg``, ``type``, ``input``, ``ctx``), secrets withheld.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from shipyard import App, Settings
from shipyard.testing.schema import create_app_schema


class Signup(BaseModel):
    name: str = Field(min_length=3)
    password: str = Field(min_length=12)


def routes(app: FastAPI) -> FastAPI:
    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        if item_id == 0:
            raise HTTPException(404, detail="Item not found")
        if item_id == 1:
            raise HTTPException(404)
        return {"id": item_id}

    @app.post("/signup")
    def signup(body: Signup) -> dict[str, str]:
        return {"name": body.name}

    return app


def shipyard_app(tmp_path: Path, error_format: str) -> App:
    settings = Settings.model_validate({"profile": "test", "api": {"error_format": error_format}})
    return App(settings=settings, root=tmp_path)


CASES = [
    ("GET", "/items/0", None),
    ("GET", "/items/1", None),
    ("GET", "/items/abc", None),
    ("POST", "/signup", {"name": "x", "password": "short"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_fastapi_format_sends_what_fastapi_sends(
    tmp_path: Path, method: str, path: str, body: dict[str, str] | None
) -> None:
    with (
        TestClient(routes(FastAPI())) as plain,
        TestClient(routes(shipyard_app(tmp_path, "fastapi"))) as ours,
    ):
        expected = plain.request(method, path, json=body)
        got = ours.request(method, path, json=body)
    assert got.status_code == expected.status_code
    assert got.json() == expected.json()
    assert got.headers["content-type"] == "application/json"


def test_problem_format_keeps_fastapis_members_and_withholds_secrets(tmp_path: Path) -> None:
    with TestClient(routes(shipyard_app(tmp_path, "problem"))) as client:
        response = client.post("/signup", json={"name": "x", "password": "short"})
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "/problems/validation"
    name, password = sorted(problem["errors"], key=lambda entry: entry["field"])
    assert name["loc"] == ["body", "name"]
    assert name["input"] == "x"
    assert name["ctx"] == {"min_length": 3}
    assert name["type"] == "string_too_short"
    assert password["input"] == "[redacted]"


def test_the_problem_type_pages_are_served_by_the_app(tmp_path: Path) -> None:
    app = shipyard_app(tmp_path, "problem")
    app.on_startup(create_app_schema)  # the layout reads the session (flash messages)
    with TestClient(app) as client:
        index = client.get("/problems/", headers={"Accept": "text/html"})
        page = client.get("/problems/validation", headers={"Accept": "text/html"})
        missing = client.get("/problems/nope", headers={"Accept": "application/json"})
    assert index.status_code == 200
    assert 'href="/problems/not-found"' in index.text
    assert page.status_code == 200
    assert "422" in page.text
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/not-found"
