"""FastAPI's documented patterns behave the same on ``FastAPI()`` and on ``shipyard.App``.

Each test builds one pattern on both apps (the ``make`` fixture) and asserts the outcome
a FastAPI user expects, so a difference shows up as a failure of the Shipyard case only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from shipyard import App, Settings

MakeApp = Callable[..., FastAPI]


@pytest.fixture(params=["fastapi", "shipyard"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> MakeApp:
    """Build the pattern's app as a plain FastAPI app, then as a Shipyard app."""

    def build(**options: Any) -> FastAPI:
        if request.param == "fastapi":
            return FastAPI(**options)
        return App(settings=Settings(profile="test"), root=tmp_path, **options)

    return build


def test_on_event_and_constructor_handlers_run(make: MakeApp) -> None:
    calls: list[str] = []
    app = make(on_startup=[lambda: calls.append("constructor start")])

    @app.on_event("startup")
    async def started() -> None:
        calls.append("on_event start")

    @app.on_event("shutdown")
    def stopped() -> None:
        calls.append("on_event stop")

    with TestClient(app):
        assert calls == ["constructor start", "on_event start"]
    assert calls[-1] == "on_event stop"


@asynccontextmanager
async def context_lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
    yield {"greeting": "from a context manager"}


async def generator_lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
    yield {"greeting": "from an async generator"}


def sync_lifespan(app: FastAPI) -> Iterator[dict[str, str]]:
    yield {"greeting": "from a generator"}


@pytest.mark.parametrize("lifespan", [context_lifespan, generator_lifespan, sync_lifespan])
def test_lifespan_state_reaches_request_state(make: MakeApp, lifespan: Any) -> None:
    app = make(lifespan=lifespan)

    @app.get("/")
    def read(request: Request) -> str:
        return str(request.state.greeting)

    with TestClient(app) as client:
        assert client.get("/").json().startswith("from a")


def test_starlette_session_middleware_coexists(make: MakeApp) -> None:
    app = make()
    app.add_middleware(SessionMiddleware, secret_key="s" * 32)

    @app.get("/count")
    def count(request: Request) -> int:
        request.session["n"] = request.session.get("n", 0) + 1
        return int(request.session["n"])

    with TestClient(app) as client:
        assert client.get("/count").json() == 1
        assert client.get("/count").json() == 2


def test_authlib_keeps_its_state_in_starlettes_session(make: MakeApp) -> None:
    from authlib.integrations.starlette_client import OAuth

    app = make()
    app.add_middleware(SessionMiddleware, secret_key="s" * 32)
    oauth = OAuth()
    oauth.register(
        "idp",
        client_id="client",
        client_secret="secret",
        authorize_url="https://idp.example/authorize",
        access_token_url="https://idp.example/token",
    )

    @app.get("/login")
    async def login(request: Request) -> Any:
        return await oauth.idp.authorize_redirect(request, "https://app.example/callback")

    @app.get("/pending")
    def pending(request: Request) -> list[str]:
        return sorted(key for key in request.session if key.startswith("_state_idp_"))

    with TestClient(app) as client:
        redirect = client.get("/login", follow_redirects=False)
        assert redirect.status_code == 302
        assert redirect.headers["location"].startswith("https://idp.example/authorize?")
        state = redirect.headers["location"].split("state=")[1].split("&")[0]
        assert client.get("/pending").json() == [f"_state_idp_{state}"]


def test_static_mount_and_url_for(make: MakeApp, tmp_path: Path) -> None:
    from starlette.staticfiles import StaticFiles

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text("body {}")
    app = make()
    app.mount("/static", StaticFiles(directory=tmp_path / "assets"), name="static")

    @app.get("/link")
    def link(request: Request) -> str:
        return str(request.url_for("static", path="site.css"))

    with TestClient(app) as client:
        assert client.get("/static/site.css").text == "body {}"
        assert client.get("/link").json() == "http://testserver/static/site.css"


def test_oauth2_password_form_from_a_cookieless_client(make: MakeApp) -> None:
    app = make()

    @app.post("/token")
    def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
        return {"access_token": form.username, "token_type": "bearer"}

    with TestClient(app) as client:
        response = client.post("/token", data={"username": "ada", "password": "pw"})
        assert response.status_code == 200
        assert response.json()["access_token"] == "ada"


def test_form_and_upload_from_a_cookieless_client(make: MakeApp) -> None:
    app = make()

    @app.post("/upload")
    async def upload(title: Annotated[str, Form()], file: UploadFile) -> dict[str, Any]:
        return {"title": title, "size": len(await file.read())}

    with TestClient(app) as client:
        response = client.post("/upload", data={"title": "t"}, files={"file": ("a", b"abc")})
        assert response.json() == {"title": "t", "size": 3}


def test_a_cross_site_browser_form_is_refused_by_shipyard_only(make: MakeApp) -> None:
    app = make()

    @app.post("/login")
    def login(name: Annotated[str, Form()]) -> str:
        return name

    with TestClient(app) as client:
        response = client.post(
            "/login", data={"name": "victim"}, headers={"Sec-Fetch-Site": "cross-site"}
        )
    expected = 200 if type(app) is FastAPI else 403  # Shipyard adds login-CSRF protection
    assert response.status_code == expected


def real() -> str:
    return "real"


def test_dependency_overrides(make: MakeApp) -> None:
    app = make()

    @app.get("/")
    def read(value: Annotated[str, Depends(real)]) -> str:
        return value

    app.dependency_overrides[real] = lambda: "override"
    with TestClient(app) as client:
        assert client.get("/").json() == "override"


def test_sub_application_and_root_path(make: MakeApp) -> None:
    app = make()
    sub = FastAPI()

    @sub.get("/hello")
    def hello(request: Request) -> str:
        return str(request.scope["root_path"])

    app.mount("/sub", sub)
    with TestClient(app, root_path="/prefix") as client:
        response = client.get("/prefix/sub/hello")
    assert response.status_code == 200
    assert response.json() == "/prefix/sub"


def test_the_app_keeps_its_own_state_names(make: MakeApp) -> None:
    app = make()
    app.state.db = {"kind": "the app's own"}  # a common FastAPI pattern

    @app.get("/")
    def read(request: Request) -> str:
        return str(request.app.state.db["kind"])

    with TestClient(app) as client:
        for headers in ({}, {"Authorization": "Bearer abc"}, {"X-API-Key": "k"}):
            response = client.get("/", headers=headers)
            assert response.status_code == 200, headers
            assert response.json() == "the app's own"


async def own_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"mine": "validation"}, status_code=400)


async def own_http_handler(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"mine": "http"}, status_code=418)


async def own_crash_handler(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"mine": "crash"}, status_code=500)


@pytest.mark.parametrize("crash_key", [Exception, 500])
def test_constructor_exception_handlers_are_kept(make: MakeApp, crash_key: Any) -> None:
    app = make(
        exception_handlers={
            RequestValidationError: own_validation_handler,
            StarletteHTTPException: own_http_handler,
            crash_key: own_crash_handler,
        }
    )

    @app.get("/number/{n}")
    def number(n: int) -> int:
        return n

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/number/x").json() == {"mine": "validation"}
        assert client.get("/missing").json() == {"mine": "http"}
        assert client.get("/crash").json() == {"mine": "crash"}


def test_debug_true_shows_the_traceback_page(make: MakeApp) -> None:
    app = make(debug=True)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom in debug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/crash", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert "boom in debug" in response.text
