"""Security headers: presets, nonce, HSTS, HTML-only CSP and per-route overrides."""

from __future__ import annotations

import re

from starlette.testclient import TestClient
from tests.security.conftest import PRODUCTION_APP, ClientFactory, SpyBackend


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_strict_preset_in_production(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(
        spy, base_url="https://testserver", profile="production", app=PRODUCTION_APP
    )
    response = client.get("/page")
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = _directives(csp)
    nonce = re.search(r"nonce='([^']+)'", response.text)
    assert nonce is not None
    assert directives["script-src"] == f"'self' 'nonce-{nonce.group(1)}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce.group(1)}'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]


def test_development_preset_and_no_hsts(client: TestClient) -> None:
    response = client.get("/page")
    directives = _directives(response.headers["content-security-policy"])
    assert "'unsafe-inline'" in directives["script-src"]
    assert "strict-transport-security" not in response.headers


def test_preset_override_by_setting(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(
        spy,
        security={
            "csp_preset": "strict",
            "csp": {"img-src": "'self' https://cdn.example", "form-action": ""},
        },
    )
    directives = _directives(client.get("/page").headers["content-security-policy"])
    assert directives["img-src"] == "'self' https://cdn.example"
    assert "form-action" not in directives
    assert "unsafe-inline" not in directives["script-src"]


def test_nonce_differs_per_request(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, security={"csp_preset": "strict"})
    nonces = set()
    for _ in range(3):
        response = client.get("/page")
        match = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
        assert match is not None
        assert f"nonce='{match.group(1)}'" in response.text
        nonces.add(match.group(1))
    assert len(nonces) == 3


def test_json_gets_no_csp_but_basic_headers(client: TestClient) -> None:
    response = client.get("/plain")
    assert "content-security-policy" not in response.headers
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_route_decorator_override(client: TestClient) -> None:
    response = client.get("/framed")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert _directives(response.headers["content-security-policy"])["frame-ancestors"] == "'self'"


def test_request_override_removes_a_header(client: TestClient) -> None:
    response = client.get("/embed")
    assert "cross-origin-opener-policy" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


def test_response_own_header_wins(client: TestClient) -> None:
    response = client.get("/own-csp")
    assert response.headers.get_list("content-security-policy") == ["sandbox"]


def test_hsts_can_be_forced_outside_production(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, security={"hsts": True, "hsts_preload": True})
    header = client.get("/plain").headers["strict-transport-security"]
    assert header == "max-age=63072000; includeSubDomains; preload"


def test_headers_can_be_disabled(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, security={"enabled": False})
    assert "x-content-type-options" not in client.get("/page").headers


def test_csrf_rejection_carries_the_headers(client: TestClient) -> None:
    response = client.post(
        "/submit",
        data={"a": "b"},
        headers={"Accept": "text/html", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "content-security-policy" in response.headers


def test_cors_preflight(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(
        spy, cors={"allow_origins": ["https://app.example"], "allow_headers": ["X-CSRF-Token"]}
    )
    response = client.options(
        "/submit",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-CSRF-Token",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in response.headers["access-control-allow-methods"]
    refused = client.options(
        "/submit",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400


def test_no_cors_without_origins(client: TestClient) -> None:
    response = client.get("/plain", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers
    from starlette.middleware.cors import CORSMiddleware

    assert all(m.cls is not CORSMiddleware for m in client.app.user_middleware)  # type: ignore[attr-defined]


def test_api_docs_pages_keep_the_strict_policy(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(
        spy, base_url="https://testserver", profile="production", app=PRODUCTION_APP
    )

    def policy(path: str) -> dict[str, str]:
        header = client.get(path).headers["content-security-policy"]
        return {k: re.sub(r"'nonce-[^']+'", "'nonce'", v) for k, v in _directives(header).items()}

    page = policy("/page")
    assert "unsafe-inline" not in page["script-src"] + page["style-src"]
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert policy(path) == page
