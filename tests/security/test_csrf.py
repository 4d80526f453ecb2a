"""CSRF: what is refused (and why), what is accepted, and what is exempt."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request
from starlette.testclient import TestClient
from tests.security.conftest import ClientFactory, SpyBackend

from shipyard.security import csrf_token, rotate_session_id
from shipyard.security.csrf import csrf_exempt, csrf_secret, mask_token, token_matches


@pytest.fixture
def token(client: TestClient) -> str:
    """A token for the client's session (the GET also sets the session cookie)."""
    return str(client.get("/token").text)


def test_missing_token_is_refused_with_an_explanation(client: TestClient, token: str) -> None:
    response = client.post("/submit", data={"name": "x"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "CSRF token missing"
    assert "X-CSRF-Token" in problem["detail"]


def test_missing_token_page_for_browsers(client: TestClient, token: str) -> None:
    response = client.post("/submit", data={"a": "b"}, headers={"Accept": "text/html"})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "CSRF token missing" in response.text


def test_htmx_rejection_is_a_fragment(client: TestClient, token: str) -> None:
    response = client.post("/submit", data={"a": "b"}, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in response.text.lower()
    assert "CSRF token missing" in response.text


def test_wrong_token_is_refused(client: TestClient, token: str) -> None:
    response = client.post("/submit", headers={"X-CSRF-Token": "A" * 86})
    assert response.status_code == 403
    assert response.json()["title"] == "CSRF token invalid"


def test_malformed_token_is_refused(client: TestClient, token: str) -> None:
    for bad in ("", "!!!", token[:-4], token + "AAAA", "é" * 10):
        response = client.post("/submit", data={"csrf_token": bad})
        assert response.status_code == 403, bad


def test_token_from_another_session_is_refused(client: TestClient, token: str) -> None:
    other = TestClient(client.app)
    other_token = other.get("/token").text
    response = client.post("/submit", headers={"X-CSRF-Token": other_token})
    assert response.status_code == 403
    assert response.json()["title"] == "CSRF token invalid"


def test_token_without_a_session_cookie_is_refused(client: TestClient, token: str) -> None:
    client.cookies.clear()
    client.cookies.set("preferences", "dark")  # a cookie, but not the session's
    response = client.post("/submit", data={"csrf_token": token})
    assert response.status_code == 403


def test_cross_origin_is_refused_even_with_a_token(client: TestClient, token: str) -> None:
    response = client.post(
        "/submit", headers={"X-CSRF-Token": token, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "https://evil.example" in response.json()["detail"]


def test_null_origin_is_refused(client: TestClient, token: str) -> None:
    response = client.post("/submit", headers={"X-CSRF-Token": token, "Origin": "null"})
    assert response.status_code == 403


def test_sec_fetch_site_cross_site_is_refused(client: TestClient, token: str) -> None:
    response = client.post(
        "/submit", headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert "Sec-Fetch-Site" in response.json()["detail"]


def test_same_origin_and_trusted_origin_are_accepted(
    make_client: ClientFactory, spy: SpyBackend
) -> None:
    client = make_client(spy, csrf={"trusted_origins": ["https://admin.example"]})
    token = client.get("/token").text
    for origin in ("http://testserver", "https://admin.example"):
        headers = {"X-CSRF-Token": token, "Origin": origin, "Sec-Fetch-Site": "same-site"}
        assert client.post("/submit", headers=headers).status_code == 200, origin


def test_header_token_is_accepted_without_reading_the_store(
    client: TestClient, token: str, spy: SpyBackend
) -> None:
    spy.calls.clear()
    response = client.delete("/thing", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert spy.count("load") == 0


def test_urlencoded_field_is_accepted_and_body_replayed(client: TestClient, token: str) -> None:
    data = {"title": "hello world", "csrf_token": token, "tail": "z" * 200_000}
    response = client.post("/submit", data=data)
    assert response.status_code == 200
    body = response.json()
    assert body["fields"]["title"] == "hello world"
    assert body["fields"]["tail"] == "z" * 200_000
    assert body["fields"]["csrf_token"] == token


def test_multipart_field_is_accepted_and_body_replayed(client: TestClient, token: str) -> None:
    upload = b"\x00\x01binary" * 50_000
    response = client.post(
        "/submit",
        data={"csrf_token": token, "caption": "pic"},
        files={"photo": ("photo.bin", upload, "application/octet-stream")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["files"] == {"photo": len(upload)}
    assert body["fields"]["caption"] == "pic"


def test_token_inside_a_file_part_does_not_count(client: TestClient, token: str) -> None:
    response = client.post(
        "/submit", files={"csrf_token": ("csrf_token", token.encode(), "text/plain")}
    )
    assert response.status_code == 403


def test_masked_tokens_differ_and_all_validate(client: TestClient) -> None:
    tokens = {client.get("/token").text for _ in range(5)}
    assert len(tokens) == 5
    for token in tokens:
        assert client.post("/submit", headers={"X-CSRF-Token": token}).status_code == 200


def test_mask_roundtrip_and_tamper() -> None:
    secret = csrf_secret("key", "session-id")
    token = mask_token(secret)
    assert token_matches(token, secret)
    assert not token_matches(token, csrf_secret("key", "other-session"))
    flipped = ("B" if token[0] == "A" else "A") + token[1:]
    assert not token_matches(flipped, secret)


def test_bearer_request_without_cookie_is_exempt(client: TestClient) -> None:
    api = TestClient(client.app)
    response = api.post("/submit", data={"a": "b"}, headers={"Authorization": "Bearer abc.def"})
    assert response.status_code == 200


def test_bearer_request_with_the_session_cookie_is_checked(client: TestClient, token: str) -> None:
    response = client.post("/submit", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 403


def test_json_api_call_without_cookie_is_not_checked(client: TestClient) -> None:
    api = TestClient(client.app)
    assert api.post("/submit", json={"a": 1}).status_code == 200


def test_cookieless_post_from_a_script_is_accepted(client: TestClient) -> None:
    script = TestClient(client.app)  # no cookie: no ambient authority to abuse
    assert script.post("/submit", data={"a": "b"}).status_code == 200
    assert script.post("/submit", files={"f": ("a.txt", b"x")}).status_code == 200
    plain = script.post("/submit", content=b"a=b", headers={"Content-Type": "text/plain"})
    assert plain.status_code == 200


@pytest.mark.parametrize(
    "browser_says",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_cookieless_cross_site_browser_post_is_refused(
    client: TestClient, browser_says: dict[str, str]
) -> None:
    browser = TestClient(client.app)  # login CSRF: the victim has no cookie yet
    assert browser.post("/submit", data={"a": "b"}, headers=browser_says).status_code == 403
    smuggled = browser.post(
        "/submit", content=b"a=b", headers={"Content-Type": "text/plain", **browser_says}
    )
    assert smuggled.status_code == 403


def test_exempt_decorator(client: TestClient, token: str) -> None:
    response = client.post("/hook", content=b"payload", headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json() == {"size": 7}


def test_exempt_paths_setting(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, csrf={"exempt_paths": ["/sub*"]})
    client.get("/token")
    assert client.post("/submit", data={"a": "b"}).status_code == 200
    assert client.delete("/thing").status_code == 403


def test_safe_methods_are_not_checked(client: TestClient, token: str) -> None:
    assert client.get("/plain", headers={"Origin": "https://evil.example"}).status_code == 200


def test_oversized_body_before_the_token(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, csrf={"max_body_size": 2048})
    token = client.get("/token").text
    response = client.post("/submit", data={"big": "x" * 5000, "csrf_token": token})
    assert response.status_code == 413
    assert "csrf.max_body_size" in response.json()["detail"]
    small_first = client.post("/submit", data={"csrf_token": token, "big": "x" * 5000})
    assert small_first.status_code == 200
    assert small_first.json()["fields"]["big"] == "x" * 5000


def test_malformed_multipart_is_refused_not_crashed(client: TestClient, token: str) -> None:
    response = client.post(
        "/submit",
        content=b"--XX\r\nnonsense\r\n\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=XX"},
    )
    assert response.status_code == 403
    response = client.post(
        "/submit", content=b"abc", headers={"Content-Type": "multipart/form-data"}
    )
    assert response.status_code == 403


def test_csrf_can_be_disabled(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, csrf={"enabled": False})
    client.get("/token")
    assert client.post("/submit", data={"a": "b"}).status_code == 200


def test_exempt_decorator_inside_prefixed_and_mounted_routers(
    make_client: ClientFactory, spy: SpyBackend
) -> None:
    from fastapi import APIRouter, FastAPI

    client = make_client(spy)
    inner = APIRouter()

    @inner.post("/hook")
    @csrf_exempt
    async def hook() -> dict[str, bool]:
        return {"ok": True}

    @inner.post("/guarded")
    async def guarded() -> dict[str, bool]:
        return {"ok": True}

    outer = APIRouter()
    outer.include_router(inner, prefix="/inner")
    client.app.include_router(outer, prefix="/outer")  # type: ignore[attr-defined]
    sub = FastAPI()
    sub.include_router(inner)
    client.app.mount("/sub", sub)  # type: ignore[attr-defined]
    client.get("/token")
    for path in ("/outer/inner/hook", "/sub/hook"):
        assert client.post(path, data={"a": "b"}).status_code == 200, path
    for path in ("/outer/inner/guarded", "/sub/guarded"):
        assert client.post(path, data={"a": "b"}).status_code == 403, path


def test_token_after_a_rotation_in_the_same_request_is_for_the_new_id(
    make_client: ClientFactory, spy: SpyBackend
) -> None:
    """The secret is computed once per request, but never outlives a session id change."""
    client = make_client(spy)
    first_token = client.get("/token").text

    router = APIRouter()

    @router.post("/login-and-tokens")
    async def login_and_tokens(request: Request) -> dict[str, str]:
        before = csrf_token(request)
        await rotate_session_id(request)
        return {"before": before, "after": csrf_token(request)}

    client.app.include_router(router)  # type: ignore[attr-defined]

    response = client.post("/login-and-tokens", headers={"X-CSRF-Token": first_token})
    assert response.status_code == 200, response.text
    tokens = response.json()
    stale = client.post("/submit", headers={"X-CSRF-Token": tokens["before"]})
    assert stale.status_code == 403
    assert stale.json()["title"] == "CSRF token invalid"
    fresh = client.post("/submit", headers={"X-CSRF-Token": tokens["after"]})
    assert fresh.status_code == 200
