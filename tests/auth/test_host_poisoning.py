"""Host-header poisoning of the emailed links, in the development, test and production profiles.

The attack: ``POST /account/forgot`` (or register, or "resend the confirmation") with
``Host: evil.example`` used to mail the victim a genuine token on
``http://evil.example/...``. Now a request for a host the app does not serve is refused
before any handler runs, and where a forged host is let in (``allowed_hosts = ["*"]``,
``X-Forwarded-Host``, an allowed subdomain) the link is still under ``app.base_url``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import HTML, PASSWORD, AuthHarness, make_auth_app
from tests.security.conftest import Recorder

from shipyard.testing import first_link

EVIL = "evil.example"
SHOP = "https://shop.example"
SECRET = "k" * 40
HarnessFactory = Callable[..., AuthHarness]


@pytest.fixture
def recorder() -> list[str]:
    """The paths that reached the innermost layer of the production apps."""
    return []


@pytest.fixture
def production(
    tmp_path: Path, sqlite_url: str, recorder: list[str]
) -> Iterator[Callable[..., AuthHarness]]:
    """Started production harnesses (with a :class:`Recorder`) addressing the canonical host."""
    opened: list[AuthHarness] = []

    def factory(**app: Any) -> AuthHarness:
        settings = {"secret_key": SECRET, "base_url": SHOP, **app}
        built = make_auth_app(sqlite_url, tmp_path, FAST_ARGON2, profile="production", app=settings)
        built.use_middleware("csrf", Recorder, placement="after", seen=recorder)
        harness = AuthHarness.start(built)
        opened.append(harness)
        harness.client.base_url = SHOP  # httpx converts it to a URL
        return harness

    yield factory
    for harness in opened:
        harness.close()


def forgot(harness: AuthHarness, email: str, **headers: str) -> int:
    """Ask for a reset link with a CSRF token got normally, posting with ``headers``."""
    token = harness.csrf("/account/forgot")
    response = harness.client.post(
        "/account/forgot",
        data={"csrf_token": token, "email": email},
        headers={**HTML, **headers},
        follow_redirects=False,
    )
    return int(response.status_code)


def register(harness: AuthHarness, email: str, **headers: str) -> int:
    token = harness.csrf("/account/register")
    data = {"csrf_token": token, "email": email, "password": PASSWORD, "password_confirm": PASSWORD}
    response = harness.client.post(
        "/account/register", data=data, headers={**HTML, **headers}, follow_redirects=False
    )
    return int(response.status_code)


# -- production: an unknown host never reaches a handler ---------------------------------


def test_production_refuses_a_forged_host_before_any_handler_runs(
    production: HarnessFactory, recorder: list[str]
) -> None:
    shop = production()
    shop.create_user("victim@example.com")
    token = shop.csrf("/account/forgot")
    recorder.clear()
    for path, data in (
        ("/account/forgot", {"email": "victim@example.com"}),
        ("/account/register", {"email": "new@example.com", "password": PASSWORD}),
    ):
        response = shop.client.post(
            path,
            data={"csrf_token": token, **data},
            headers={"Host": EVIL, "Accept": "application/json"},
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "Unknown host"
        page = shop.client.post(path, data=data, headers={"Host": EVIL, **HTML})
        assert page.status_code == 400
        assert "Unknown host" in page.text
        assert "set-cookie" not in page.headers
    verify = shop.client.get("/account/verify?token=x", headers={"Host": EVIL, **HTML})
    assert verify.status_code == 400
    assert recorder == []  # nothing passed the hosts layer: no session, no limit, no handler
    assert shop.outbox == []
    assert len(shop.db(_count_users)) == 1


async def _count_users(session: Any) -> list[int]:
    from sqlalchemy import select

    from shipyard.auth import User

    return list(await session.scalars(select(User.id)))


def test_production_links_use_base_url_whatever_the_forwarded_host(
    production: HarnessFactory, recorder: list[str]
) -> None:
    shop = production(allowed_hosts=[".shop.example"])
    shop.create_user("victim@example.com")
    forwarded = {"X-Forwarded-Host": EVIL, "Forwarded": f"host={EVIL}"}
    assert forgot(shop, "victim@example.com", **forwarded) == 200
    # an allowed subdomain is served, but it is not where links point either
    assert forgot(shop, "victim@example.com", Host="www.shop.example") == 200
    assert register(shop, "new@example.com", **forwarded) == 303
    links = [first_link(message) for message in shop.outbox]
    assert len(links) == 3
    assert links[0].startswith(f"{SHOP}/account/reset?token=")
    assert links[1].startswith(f"{SHOP}/account/reset?token=")
    assert links[2].startswith(f"{SHOP}/account/verify?token=")
    assert "/account/forgot" in recorder


def test_production_forged_host_via_x_forwarded_host_is_still_refused(
    production: HarnessFactory, recorder: list[str]
) -> None:
    shop = production()
    shop.create_user("victim@example.com")
    token = shop.csrf("/account/forgot")
    recorder.clear()
    response = shop.client.post(
        "/account/forgot",
        data={"csrf_token": token, "email": "victim@example.com"},
        headers={"Host": EVIL, "X-Forwarded-Host": "shop.example", **HTML},
    )
    assert response.status_code == 400
    assert recorder == []
    assert shop.outbox == []


# -- development and test: unknown hosts refused, and links never follow the header ------


@pytest.mark.parametrize("profile", ["development", "test"])
def test_a_forged_host_is_refused_outside_production_too(
    make_harness: HarnessFactory, sqlite_url: str, profile: str
) -> None:
    lite = make_harness(sqlite_url, profile=profile)
    lite.create_user("victim@example.com")
    assert forgot(lite, "victim@example.com", Host=EVIL) == 400
    assert register(lite, "new@example.com", Host=f"{EVIL}:8000") == 400
    assert lite.outbox == []


@pytest.mark.parametrize(
    ("profile", "base_url", "expected"),
    [
        ("development", None, "http://localhost:8000"),
        ("test", None, "http://localhost:8000"),
        ("development", "http://dev.example:9000/app", "http://dev.example:9000/app"),
        ("test", SHOP, SHOP),
    ],
)
def test_links_use_the_canonical_url_even_when_every_host_is_allowed(
    make_harness: HarnessFactory,
    sqlite_url: str,
    profile: str,
    base_url: str | None,
    expected: str,
) -> None:
    app: dict[str, Any] = {"allowed_hosts": ["*"]}
    if base_url is not None:
        app["base_url"] = base_url
    lite = make_harness(sqlite_url, profile=profile, app=app)
    lite.create_user("victim@example.com")
    assert forgot(lite, "victim@example.com", Host=EVIL) == 200
    assert register(lite, "new@example.com", Host=EVIL, **{"X-Forwarded-Host": EVIL}) == 303
    assert register(lite, "victim@example.com", Host=EVIL) == 303  # mails the owner a notice
    links = [first_link(message) for message in lite.outbox]
    assert [link.split("?")[0] for link in links] == [
        f"{expected}/account/reset",
        f"{expected}/account/verify",
        f"{expected}/account/login",
    ]
    assert not any(EVIL in message.text for message in lite.outbox)
