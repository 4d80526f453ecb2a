"""Security response headers: CSP with a per-request nonce, HSTS, and the usual hardening.

:class:`SecurityHeadersMiddleware` (pure ASGI) adds, when the response starts and only
where the response did not set them itself:

- on every response: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and, in
  production (or when ``security.hsts`` is on), ``Strict-Transport-Security``;
- on HTML responses only: ``Content-Security-Policy`` (preset ``strict`` in production,
  ``development`` otherwise; ``security.csp`` overrides directives), ``X-Frame-Options``,
  ``Cross-Origin-Opener-Policy`` and ``Permissions-Policy``.

The nonce for ``<script nonce=...>``/``<style nonce=...>`` comes from :func:`csp_nonce`
(a template global too); it is made on first use and kept in ``scope["state"]``. A route
changes its headers with the :func:`security_headers` decorator or, per request, with
:func:`override_security_headers`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.derived import PerSettings

if TYPE_CHECKING:
    from shipyard.config.models import Settings

NONCE_KEY = "csp_nonce"
OVERRIDE_KEY = "security_headers"
OVERRIDE_ATTRIBUTE = "__shipyard_security_headers__"
NONCE = "{nonce}"
CSP_HEADER = b"content-security-policy"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])

PRESETS: dict[str, dict[str, str]] = {
    "strict": {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{NONCE}'",
        "style-src": f"'self' 'nonce-{NONCE}'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    },
    "development": {
        "default-src": "'self'",
        "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "connect-src": "'self' ws: wss:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'self'",
    },
}
"""The CSP presets. ``{nonce}`` is replaced by the request's nonce."""


def csp_nonce(request: HTTPConnection) -> str:
    """This request's CSP nonce (made on first use, the same for the whole request)."""
    return scope_nonce(request.scope)


def scope_nonce(scope: Scope) -> str:
    """:func:`csp_nonce` of the request of ``scope``."""
    state: dict[str, Any] = scope.setdefault("state", {})
    nonce = state.get(NONCE_KEY)
    if not isinstance(nonce, str):
        nonce = secrets.token_urlsafe(18)
        state[NONCE_KEY] = nonce
    return nonce


@dataclass(frozen=True)
class HeaderOverrides:
    """Changes for one route or request: CSP directives and headers; ``""`` removes one."""

    csp: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def merged(self, other: HeaderOverrides) -> HeaderOverrides:
        """These overrides, with ``other``'s winning where both set a value."""
        return HeaderOverrides(
            csp={**self.csp, **other.csp}, headers={**self.headers, **other.headers}
        )


def security_headers(
    *, csp: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
) -> Callable[[EndpointT], EndpointT]:
    """Decorator: change the security headers of one endpoint.

    ``@security_headers(csp={"frame-ancestors": "'self'"}, headers={"X-Frame-Options":
    "SAMEORIGIN"})`` lets the page be framed by the same site.
    """
    overrides = HeaderOverrides(dict(csp or {}), dict(headers or {}))

    def decorate(endpoint: EndpointT) -> EndpointT:
        setattr(endpoint, OVERRIDE_ATTRIBUTE, overrides)
        return endpoint

    return decorate


def override_security_headers(
    request: HTTPConnection,
    *,
    csp: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Change the security headers of this response only (merged with earlier calls)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    current = state.get(OVERRIDE_KEY)
    added = HeaderOverrides(dict(csp or {}), dict(headers or {}))
    state[OVERRIDE_KEY] = current.merged(added) if isinstance(current, HeaderOverrides) else added


def _overrides(scope: Scope) -> HeaderOverrides | None:
    from_route = getattr(scope.get("endpoint"), OVERRIDE_ATTRIBUTE, None)
    state = scope.get("state")
    from_request = state.get(OVERRIDE_KEY) if state else None
    if from_route is None and from_request is None:
        return None
    if isinstance(from_route, HeaderOverrides) and isinstance(from_request, HeaderOverrides):
        return from_route.merged(from_request)
    if isinstance(from_request, HeaderOverrides):
        return from_request
    return from_route if isinstance(from_route, HeaderOverrides) else None


def _apply(values: dict[str, str], changes: Mapping[str, str]) -> None:
    for name, value in changes.items():
        if value:
            values[name.lower()] = value
        else:
            values.pop(name.lower(), None)


class HeaderPolicy:
    """The headers one settings snapshot asks for, ready to add to responses.

    Built once per settings snapshot: the raw ASGI headers of a JSON and of an HTML
    response, and the CSP split around its nonce slot, so a response without overrides
    costs one scan of its own headers and a join for the nonce.
    """

    def __init__(self, settings: Settings) -> None:
        options = settings.security
        preset = options.csp_preset or ("strict" if settings.is_production else "development")
        self.csp = dict(PRESETS[preset])
        _apply(self.csp, options.csp)
        self.common = {
            "x-content-type-options": "nosniff",
            "referrer-policy": options.referrer_policy,
        }
        hsts = options.hsts if options.hsts is not None else settings.is_production
        if hsts:
            value = f"max-age={options.hsts_max_age}"
            if options.hsts_include_subdomains:
                value += "; includeSubDomains"
            if options.hsts_preload:
                value += "; preload"
            self.common["strict-transport-security"] = value
        self.document = {
            "x-frame-options": options.frame_options,
            "cross-origin-opener-policy": options.cross_origin_opener_policy,
            "permissions-policy": options.permissions_policy,
        }
        self.plain = _encoded(self.common)
        document = _encoded({**self.common, **self.document})
        self.csp_parts = _csp_header(self.csp).encode("latin-1").split(NONCE.encode())
        if len(self.csp_parts) == 1:
            document.append((CSP_HEADER, self.csp_parts[0]))
        self.document_encoded = document

    @staticmethod
    def of(settings: Settings) -> HeaderPolicy | None:
        """The policy of ``settings``; None when ``security.enabled`` is off."""
        return HeaderPolicy(settings) if settings.security.enabled else None

    def headers_for(self, scope: Scope, html: bool) -> dict[str, str]:
        """The headers for one response of this request (overrides applied)."""
        values = dict(self.common)
        overrides = _overrides(scope)
        if html:
            values.update(self.document)
            csp = self.csp
            if overrides is not None and overrides.csp:
                csp = dict(csp)
                _apply(csp, overrides.csp)
            values["content-security-policy"] = _csp_header(csp).replace(NONCE, scope_nonce(scope))
        if overrides is not None:
            _apply(values, overrides.headers)
        return {name: value for name, value in values.items() if value}

    def encoded_for(self, scope: Scope, html: bool) -> list[tuple[bytes, bytes]]:
        """:meth:`headers_for` as raw ASGI headers; without overrides, precomputed."""
        if _overrides(scope) is not None:
            return _encoded(self.headers_for(scope, html))
        if not html:
            return self.plain
        if len(self.csp_parts) == 1:
            return self.document_encoded
        nonce = scope_nonce(scope).encode("latin-1")
        return [*self.document_encoded, (CSP_HEADER, nonce.join(self.csp_parts))]

    def completed(
        self, scope: Scope, headers: Iterable[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        """A response's ``headers`` plus the policy's, where the response set none itself."""
        own = list(headers)
        present = {name.lower(): value for name, value in own}
        content_type = present.get(b"content-type")
        html = content_type is not None and content_type.startswith(b"text/html")
        for header in self.encoded_for(scope, html):
            if header[0] not in present:
                own.append(header)
        return own


def _csp_header(directives: Mapping[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _encoded(values: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in values.items() if value
    ]


class SecurityHeadersMiddleware:
    """Pure ASGI: adds the security headers of :class:`HeaderPolicy` to each response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.policy_for = PerSettings(HeaderPolicy.of)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings: Settings | None = getattr(scope.get("app"), "settings", None)
        policy = None if settings is None or scope["type"] != "http" else self.policy_for(settings)
        if policy is None:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = policy.completed(scope, message.get("headers") or ())
            await send(message)

        await self.app(scope, receive, send_with_headers)
