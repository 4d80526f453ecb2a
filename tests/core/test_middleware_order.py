"""The middleware order is the declared one, whatever order extensions register in."""

from __future__ import annotations

import pytest
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from shipyard import App, Settings
from shipyard.cache import CacheMiddleware
from shipyard.core.app import AppBase
from shipyard.core.middleware import MIDDLEWARE_ORDER, MiddlewarePlan
from shipyard.db.request import RequestSessionMiddleware
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.observability.requests import RequestContextMiddleware
from shipyard.ratelimit.middleware import RateLimitMiddleware
from shipyard.security.csrf_middleware import CsrfMiddleware
from shipyard.security.headers import SecurityHeadersMiddleware
from shipyard.security.hosts_middleware import AllowedHostsMiddleware
from shipyard.sessions.middleware import SessionMiddleware
from shipyard.web.body_limit import BodyLimitMiddleware


class Passthrough:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def stack_classes(app: AppBase) -> list[type]:
    """The middleware classes Starlette builds, outermost first."""
    layer = app.build_middleware_stack()
    classes = []
    while hasattr(layer, "app"):
        classes.append(type(layer))
        layer = layer.app
    return classes


def test_the_default_app_follows_the_declared_order() -> None:
    settings = Settings(profile="test", cors={"allow_origins": ["https://a.example"]})
    plan = App(settings=settings).middleware_plan
    assert plan.classes() == [
        RequestContextMiddleware,
        SecurityHeadersMiddleware,
        AllowedHostsMiddleware,
        CORSMiddleware,
        BodyLimitMiddleware,
        RequestSessionMiddleware,
        SessionMiddleware,
        RateLimitMiddleware,
        CsrfMiddleware,
        CacheMiddleware,
    ]


def test_the_apps_own_middleware_wraps_the_framework_stack() -> None:
    app = App(settings=Settings(profile="test"))
    app.add_middleware(Passthrough)
    classes = stack_classes(app)
    assert classes.index(Passthrough) < classes.index(SecurityHeadersMiddleware)
    assert classes.index(SessionMiddleware) < classes.index(CsrfMiddleware)
    own: list[object] = [entry.cls for entry in app.user_middleware]
    assert own == [Passthrough]  # the plan is laid out at build time, not spliced in


def test_an_extension_sits_before_or_after_a_slot() -> None:
    class Audit(Extension):
        name = "audit"

        def setup(self, app: AppBase) -> None:
            app.use_middleware("csrf", Passthrough, placement="before")

    plan = App(settings=Settings(profile="test"), extensions=[Audit()]).middleware_plan
    classes = plan.classes()
    assert classes.index(RateLimitMiddleware) < classes.index(Passthrough)
    assert classes.index(Passthrough) < classes.index(CsrfMiddleware)


def test_an_unknown_slot_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ShipyardError, match="unknown middleware slot 'logging'") as error:
        MiddlewarePlan().add("logging", "at", Middleware(Passthrough))
    assert all(slot in (error.value.hint or "") for slot in MIDDLEWARE_ORDER)
