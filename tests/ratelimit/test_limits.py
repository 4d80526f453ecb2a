"""Global and per-route limits, headers, the three 429 formats, keys, the storage checks."""

from __future__ import annotations

import json

import pytest
from tests.ratelimit.conftest import ClientFactory

from shipyard import App, Settings
from shipyard.config.limits import parse_limit
from shipyard.core.checks import run_checks
from shipyard.errors import ShipyardError
from shipyard.ratelimit import RateLimit
from shipyard.ratelimit.limiter import Decision
from shipyard.ratelimit.middleware import exempt, with_decision


def test_headers_count_down_then_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(ip="3/minute")
    remaining = [client.get("/open").headers["RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = client.get("/open")
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Limit"] == "3"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Reset"] == refused.headers["Retry-After"]


def test_429_as_problem_json(make_client: ClientFactory) -> None:
    client = make_client(ip="1/minute")
    client.get("/open")
    refused = client.get("/open", headers={"Accept": "application/json"})
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["status"] == 429
    assert body["title"] == "Too Many Requests"
    assert body["retry_after"] == int(refused.headers["Retry-After"])


def test_429_as_html_page(make_client: ClientFactory) -> None:
    client = make_client(ip="1/minute")
    client.get("/open")
    refused = client.get("/open", headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "<html" in refused.text
    assert "Too Many Requests" in refused.text
    assert "content-security-policy" in refused.headers


def test_429_for_htmx_is_a_fragment_with_an_event(make_client: ClientFactory) -> None:
    client = make_client(ip="1/minute")
    client.get("/open")
    refused = client.get("/open", headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert "<html" not in refused.text
    assert "Too Many Requests" in refused.text
    assert refused.headers["HX-Reswap"] == "none"
    event = json.loads(refused.headers["HX-Trigger"])["shipyard:rate-limited"]
    assert event["retryAfter"] == int(refused.headers["Retry-After"])


def test_route_limit_raised_in_dependency_uses_the_same_formats(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    assert [client.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
    page = client.get("/limited", headers={"HX-Request": "true"})
    assert page.status_code == 429
    assert "HX-Trigger" in page.headers
    assert client.get("/limited").json()["status"] == 429


def test_route_limits_are_per_route_and_global_limit_still_applies(
    make_client: ClientFactory,
) -> None:
    client = make_client(ip="5/minute")
    assert [client.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/other").status_code == 200
    assert client.get("/other").headers["RateLimit-Remaining"] == "0"
    assert client.get("/open").status_code == 429  # the 6th request: global per-IP limit


def test_tightest_limit_is_reported(make_client: ClientFactory) -> None:
    client = make_client(ip="50/minute")
    response = client.get("/limited")
    assert response.headers["RateLimit-Limit"] == "2"
    assert response.headers["RateLimit-Remaining"] == "1"


def test_bucket_shares_a_counter_between_routes(make_client: ClientFactory) -> None:
    client = make_client()
    statuses = [client.get(path).status_code for path in ("/shared-a", "/shared-b") * 2]
    assert statuses == [200, 200, 200, 429]


def test_clients_are_counted_separately_by_ip(make_client: ClientFactory) -> None:
    first = make_client(ip="1/minute")
    assert first.get("/open").status_code == 200
    assert first.get("/open").status_code == 429
    other = type(first)(first.app, client=("10.0.0.2", 1), raise_server_exceptions=False)
    assert other.get("/open").status_code == 200


def test_route_key_counts_everybody_together(make_client: ClientFactory) -> None:
    client = make_client()
    other = type(client)(client.app, client=("10.9.9.9", 1), raise_server_exceptions=False)
    assert client.get("/everyone").status_code == 200
    assert other.get("/everyone").status_code == 200
    assert client.get("/everyone").status_code == 429


def test_custom_key_function(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.get("/by-header", headers={"X-Tenant": "a"}).status_code == 200
    assert client.get("/by-header", headers={"X-Tenant": "b"}).status_code == 200
    assert client.get("/by-header", headers={"X-Tenant": "a"}).status_code == 429


def test_named_limit_comes_from_settings(make_client: ClientFactory) -> None:
    client = make_client(named={"auth": "2/minute"})
    statuses = [client.post("/login", json={"email": f"u{i}@x.io"}).status_code for i in range(3)]
    assert statuses == [200, 200, 429]


def test_unknown_named_limit_is_a_clear_server_error(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.get("/unknown-name").status_code == 500


def test_disabled_limiter_admits_everything_and_sends_no_headers(
    make_client: ClientFactory,
) -> None:
    client = make_client(enabled=False, ip="1/minute")
    responses = [client.get("/limited") for _ in range(4)]
    assert all(response.status_code == 200 for response in responses)
    assert "RateLimit-Limit" not in responses[0].headers


def test_exempt_paths_and_static_files_are_not_limited(make_client: ClientFactory) -> None:
    client = make_client(ip="1/minute", exempt_paths=["/op*"])
    assert [client.get("/open").status_code for _ in range(3)] == [200, 200, 200]
    assert "RateLimit-Limit" not in client.get("/static/nothing.css").headers


def test_exemptions_match_exact_paths_prefixes_static_and_health() -> None:
    settings = Settings.model_validate(
        {"ratelimit": {"exempt_paths": ["/op*", "/hooks/stripe"]}, "web": {"static_url": "/assets"}}
    )
    exempt_paths = ["/open", "/op", "/hooks/stripe", "/assets", "/assets/app.css", "/up", "/ready"]
    counted = ["/hooks/stripe/x", "/assetsx", "/o", "/", "/upx", "/hooks"]
    assert all(exempt(path, settings) for path in exempt_paths)
    assert not any(exempt(path, settings) for path in counted)
    quiet_health = settings.model_copy(
        update={"health": settings.health.model_copy(update={"enabled": False})}
    )
    assert not exempt("/up", quiet_health)


def test_headers_can_be_turned_off(make_client: ClientFactory) -> None:
    client = make_client(ip="1/minute", headers=False)
    assert "RateLimit-Limit" not in client.get("/open").headers
    refused = client.get("/open")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_a_response_keeps_the_ratelimit_headers_it_set_itself() -> None:
    decision = Decision(True, 60, 59, 60)
    plain = [(b"content-type", b"text/plain")]
    assert with_decision(plain, decision) == [*plain, *decision.raw_headers()]
    own = [(b"content-type", b"text/plain"), (b"RateLimit-Limit", b"5")]
    assert with_decision(own, decision) == [
        *own,
        (b"ratelimit-remaining", b"59"),
        (b"ratelimit-reset", b"60"),
    ]


def test_bogus_credentials_fall_back_to_the_ip_limit(make_client: ClientFactory) -> None:
    client = make_client(ip="2/minute", user="100/minute")
    headers = {"Authorization": "Bearer not-a-token", "X-API-Key": "nope"}
    statuses = [client.get("/open", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_credentialed_requests_to_unknown_urls_still_count(make_client: ClientFactory) -> None:
    client = make_client(ip="2/minute")
    headers = {"Authorization": "Bearer x"}
    assert client.get("/missing", headers=headers).headers["RateLimit-Remaining"] == "1"
    assert client.get("/missing", headers=headers).headers["RateLimit-Remaining"] == "0"
    assert client.get("/open").status_code == 429


@pytest.mark.parametrize("bad", ["", "ten per minute", "5/fortnight", "1/second;2/hour", "0/hour"])
def test_bad_limit_strings_are_refused_with_the_fix(bad: str) -> None:
    with pytest.raises(ShipyardError, match="rate limit"):
        RateLimit(bad)
    with pytest.raises(ValueError, match="ratelimit"):
        Settings.model_validate({"ratelimit": {"ip": bad}})


@pytest.mark.parametrize("bad", ["10.0.0.300", "proxy.local", "10.0.0.0/33"])
def test_bad_trusted_proxies_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings.model_validate({"ratelimit": {"trusted_proxies": [bad]}})


def test_unknown_key_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown rate-limit key"):
        RateLimit("1/minute", key="session")  # type: ignore[arg-type]


def test_parse_limit_accepts_both_spellings() -> None:
    assert parse_limit("10 per 15 minutes").amount == 10
    assert parse_limit("10/minute").get_expiry() == 60


def test_fresh_anonymous_session_cookies_count_against_the_ip(make_client: ClientFactory) -> None:
    client = make_client(ip="3/minute", user="100/minute")
    statuses = []
    for _ in range(4):
        client.cookies.clear()
        statuses.append(client.get("/start-session").status_code)  # a brand-new cookie
        statuses.append(client.get("/open").status_code)  # sent with it
    assert statuses == [200, 200, 200] + [429] * 5
    client.cookies.set("shipyard_session", "forged.value")
    assert client.get("/open").status_code == 429  # an unverifiable cookie is anonymous too


def test_ipv6_clients_count_per_64(make_client: ClientFactory) -> None:
    client = make_client(ip="2/minute", trusted_proxies=["10.0.0.1"])

    def status(address: str) -> int:
        return int(client.get("/open", headers={"X-Forwarded-For": address}).status_code)

    assert [status("2001:db8:5:5::1"), status("2001:db8:5:5:ab::2")] == [200, 200]
    assert status("2001:db8:5:5:ffff:ffff:ffff:ffff") == 429  # same /64
    assert status("2001:db8:5:6::1") == 200
    assert [status("::ffff:192.0.2.1"), status("192.0.2.1")] == [200, 200]  # one client
    assert status("::ffff:192.0.2.2") == 200  # IPv4-mapped addresses are not one /64
    assert status("192.0.2.1") == 429


@pytest.mark.parametrize(
    ("workers", "cpus", "found"), [(4, 1, "W002"), (0, 8, "W002"), (1, 8, "W001")]
)
def test_memory_storage_with_several_workers_is_flagged(
    monkeypatch: pytest.MonkeyPatch, workers: int, cpus: int, found: str
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    settings = Settings.model_validate({"profile": "test", "server": {"workers": workers}})
    app = App(settings=settings)
    findings = {finding.id: finding for finding in run_checks(app, deploy=True)}
    flagged = {key for key in findings if key.startswith("ratelimit.")}
    assert flagged == {f"ratelimit.{found}"}
    if found == "W002":
        assert "redis" in findings["ratelimit.W002"].hint
    redis = Settings.model_validate(
        {"profile": "test", "server": {"workers": workers}, "ratelimit": {"storage": "redis"}}
    )
    assert not {f.id for f in run_checks(App(settings=redis), deploy=True)} & {
        "ratelimit.W001",
        "ratelimit.W002",
    }
