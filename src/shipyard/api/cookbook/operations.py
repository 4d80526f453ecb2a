"""An OpenAPI document read into operations with example requests (pure, no I/O).

:func:`read_document` gives a :class:`Document`: title, version, the security schemes
(bearer, basic and API keys; OAuth2 and OpenID Connect send a bearer token) and the
:class:`Operation`\\ s grouped by tag. :meth:`Operation.example` builds the
:class:`RequestExample` the snippets show: required parameters plus optional ones that
state an example, the request body, the credentials the operation's first security
requirement asks for (as placeholders) and the version ``Accept`` header if any.
Fields an operation names in ``x-shipyard-unique`` (the API resources name their unique
columns) are :attr:`Operation.unique`: the page gives them fresh values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from shipyard.api.cookbook.examples import declared_example, example_for
from shipyard.api.cookbook.requests import Body, RequestExample, as_text, body_kind

METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_BODY_PREFERENCE = ("json", "form", "multipart", "text")


@dataclass(frozen=True)
class SecurityScheme:
    """One way to authenticate, as sent by a client."""

    key: str
    """The scheme's name in ``components.securitySchemes``."""
    kind: str
    """``bearer``, ``basic`` or ``apiKey``."""
    name: str
    """The header, query parameter or cookie that carries the credential."""
    location: str
    """``header``, ``query`` or ``cookie``."""
    placeholder: str
    description: str = ""

    @property
    def label(self) -> str:
        """What the credential field is called on the page."""
        if self.kind == "bearer":
            return "Bearer token"
        if self.kind == "basic":
            return "Username and password"
        return f"API key ({self.location} {self.name})"

    def credential(self) -> tuple[str, str]:
        """(name, value) of the credential with the placeholder filled in."""
        if self.kind == "bearer":
            return self.name, f"Bearer {self.placeholder}"
        if self.kind == "basic":
            return self.name, f"Basic {self.placeholder}"
        return self.name, self.placeholder


def _scheme(key: str, spec: Mapping[str, Any]) -> SecurityScheme | None:
    kind, description = spec.get("type"), str(spec.get("description", ""))
    if kind == "apiKey" and spec.get("in") in {"header", "query", "cookie"}:
        name = str(spec.get("name", "X-API-Key"))
        return SecurityScheme(key, "apiKey", name, str(spec["in"]), "YOUR_API_KEY", description)
    if kind == "http" and str(spec.get("scheme", "")).lower() == "basic":
        # base64("username:password"): a placeholder that decodes to what it means.
        return SecurityScheme(
            key, "basic", "Authorization", "header", "dXNlcm5hbWU6cGFzc3dvcmQ=", description
        )
    if kind in {"http", "oauth2", "openIdConnect"}:
        return SecurityScheme(
            key, "bearer", "Authorization", "header", "YOUR_ACCESS_TOKEN", description
        )
    return None


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter with its example value."""

    name: str
    location: str
    required: bool
    description: str
    example: Any
    show: bool
    """Whether the example request sends it (required, or the schema states an example)."""

    @property
    def example_text(self) -> str:
        """The example as written in a URL or header."""
        return as_text(self.example)


@dataclass(frozen=True)
class Operation:
    """One method on one path, with what its example request needs."""

    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    body_required: bool
    security: tuple[SecurityScheme, ...]
    """The schemes of the first security requirement: what the example request sends."""
    accepted: tuple[SecurityScheme, ...] = ()
    """Every scheme any requirement names (the try-it form sends those filled in)."""
    unique: Mapping[str, int | None] = field(default_factory=dict)
    """Body fields that must not exist yet (``x-shipyard-unique``) and their ``maxLength``."""

    @property
    def anchor(self) -> str:
        """A stable HTML id for the operation."""
        raw = self.operation_id or f"{self.method}-{self.path}"
        return "op-" + re.sub(r"[^A-Za-z0-9_-]+", "-", raw).strip("-")

    def example(self, base_url: str, *, accept: str | None = None) -> RequestExample:
        """The example request against ``base_url`` (no trailing slash needed)."""
        values = {p.name: p.example_text for p in self.parameters if p.location == "path"}
        path = _PATH_PARAM.sub(
            lambda m: quote(values.get(m.group(1), m.group(0)), safe=""), self.path
        )
        query: list[tuple[str, str]] = []
        headers: list[tuple[str, str]] = []
        cookies: list[str] = []
        if accept:
            headers.append(("Accept", accept))
        for param in self.parameters:
            if not param.show or param.location == "path":
                continue
            items = param.example if isinstance(param.example, list) else [param.example]
            if param.location == "query":
                query.extend((param.name, as_text(item)) for item in items)
            elif param.location == "header":
                headers.append((param.name, param.example_text))
            elif param.location == "cookie":
                cookies.append(f"{param.name}={quote(param.example_text, safe='')}")
        for scheme in self.security:
            name, value = scheme.credential()
            if scheme.location == "query":
                query.append((name, value))
            elif scheme.location == "cookie":
                cookies.append(f"{name}={value}")
            else:
                headers.append((name, value))
        if cookies:
            headers.append(("Cookie", "; ".join(cookies)))
        return RequestExample(
            method=self.method.upper(),
            url=base_url.rstrip("/") + path,
            query=tuple(query),
            headers=tuple(headers),
            body=self.body,
        )


@dataclass(frozen=True)
class Document:
    """What the cookbook page shows of an OpenAPI document."""

    title: str
    version: str
    description: str
    schemes: tuple[SecurityScheme, ...]
    operations: tuple[Operation, ...]

    def by_tag(self) -> list[tuple[str, list[Operation]]]:
        """Operations grouped by their first tag (untagged last), in document order."""
        groups: dict[str, list[Operation]] = {}
        for operation in self.operations:
            groups.setdefault(operation.tags[0] if operation.tags else "", []).append(operation)
        untagged = groups.pop("", None)
        ordered = list(groups.items())
        return [*ordered, ("Other", untagged)] if untagged else ordered


def _list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (documents may hold junk)."""
    return value if isinstance(value, Mapping) else {}


def _parameter(spec: Mapping[str, Any], components: Mapping[str, Any]) -> Parameter | None:
    name, location = spec.get("name"), spec.get("in")
    if not isinstance(name, str) or location not in {"path", "query", "header", "cookie"}:
        return None
    schema = _mapping(spec.get("schema"))
    stated, value = declared_example(spec)
    required = bool(spec.get("required", location == "path"))
    if not stated:
        value = example_for(schema, components=components, name=name)
    explicit = stated or ("example" in schema or "examples" in schema)
    return Parameter(
        name, str(location), required, str(spec.get("description", "")), value, required or explicit
    )


def _body(spec: Mapping[str, Any], components: Mapping[str, Any]) -> Body | None:
    content = spec.get("content")
    if not isinstance(content, Mapping) or not content:
        return None
    media_types = [str(media) for media in content]
    media_type = min(media_types, key=lambda media: _BODY_PREFERENCE.index(body_kind(media)))
    media = _mapping(content[media_type])
    schema = _mapping(media.get("schema"))
    stated, value = declared_example(media)
    if not stated:
        value = example_for(schema, components=components)
    files: tuple[str, ...] = ()
    if body_kind(media_type) == "multipart":
        files = _file_fields(schema, components)
    return Body(media_type, value, files)


def _properties(schema: Mapping[str, Any], components: Mapping[str, Any]) -> Mapping[str, Any]:
    """The properties of an object schema, following one ``#/components/schemas`` ref."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        schema = _mapping(_mapping(components.get("schemas")).get(ref.rsplit("/", 1)[1]))
    return _mapping(schema.get("properties"))


def _file_fields(schema: Mapping[str, Any], components: Mapping[str, Any]) -> tuple[str, ...]:
    properties = _properties(schema, components)
    return tuple(
        str(name)
        for name, prop in properties.items()
        if isinstance(prop, Mapping) and _is_file(prop)
    )


def _is_file(prop: Mapping[str, Any]) -> bool:
    if prop.get("format") == "binary" or prop.get("contentMediaType") == "application/octet-stream":
        return True
    items = prop.get("items")
    return isinstance(items, Mapping) and _is_file(items)


def _security(
    requirements: Any, schemes: Mapping[str, SecurityScheme]
) -> tuple[tuple[SecurityScheme, ...], tuple[SecurityScheme, ...]]:
    """(the first non-empty requirement's schemes, every named scheme) of ``security``.

    Requirements are alternatives (OpenAPI): examples show the first one.
    """
    if not isinstance(requirements, list):
        return (), ()
    named = [req for req in requirements if isinstance(req, Mapping) and req]
    first = tuple(schemes[key] for key in named[0] if key in schemes) if named else ()
    every = {key: schemes[key] for req in named for key in req if key in schemes}
    return first, tuple(every.values())


def _operation(
    method: str,
    path: str,
    spec: Mapping[str, Any],
    shared: list[Any],
    document: Mapping[str, Any],
    schemes: Mapping[str, SecurityScheme],
) -> Operation:
    components = _mapping(document.get("components"))
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*shared, *_list(spec.get("parameters"))]:
        if isinstance(raw, Mapping):
            merged[(str(raw.get("name")), str(raw.get("in")))] = raw
    parameters = [p for raw in merged.values() if (p := _parameter(raw, components)) is not None]
    request_body = spec.get("requestBody")
    body = _body(request_body, components) if isinstance(request_body, Mapping) else None
    security, accepted = _security(spec.get("security", document.get("security")), schemes)
    unique = _unique(spec, request_body, components) if body is not None else {}
    return Operation(
        method=method,
        path=path,
        operation_id=str(spec.get("operationId", "")),
        summary=str(spec.get("summary", "")),
        description=str(spec.get("description", "")),
        tags=tuple(str(tag) for tag in _list(spec.get("tags"))),
        deprecated=bool(spec.get("deprecated", False)),
        parameters=tuple(parameters),
        body=body,
        body_required=bool(isinstance(request_body, Mapping) and request_body.get("required")),
        security=security,
        accepted=accepted,
        unique=unique,
    )


def _unique(
    spec: Mapping[str, Any], request_body: Any, components: Mapping[str, Any]
) -> dict[str, int | None]:
    """The ``x-shipyard-unique`` fields of the JSON body, with their ``maxLength``."""
    names = [str(name) for name in _list(spec.get("x-shipyard-unique"))]
    if not names:
        return {}
    content = _mapping(_mapping(request_body).get("content"))
    schema = _mapping(_mapping(content.get("application/json")).get("schema"))
    properties = _properties(schema, components)
    limits: dict[str, int | None] = {}
    for name in names:
        limit = _mapping(properties.get(name)).get("maxLength")
        limits[name] = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
    return limits


def read_document(document: Mapping[str, Any]) -> Document:
    """The cookbook's view of an OpenAPI 3.x document (as ``app.openapi()`` returns it)."""
    info = _mapping(document.get("info"))
    raw_schemes = _mapping(_mapping(document.get("components")).get("securitySchemes"))
    schemes = {
        str(key): scheme
        for key, spec in raw_schemes.items()
        if isinstance(spec, Mapping) and (scheme := _scheme(str(key), spec)) is not None
    }
    operations: list[Operation] = []
    for path, item in _mapping(document.get("paths")).items():
        if not isinstance(item, Mapping):
            continue
        shared = _list(item.get("parameters"))
        for method in METHODS:
            spec = item.get(method)
            if isinstance(spec, Mapping):
                operations.append(_operation(method, str(path), spec, shared, document, schemes))
    return Document(
        title=str(info.get("title", "API")),
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        schemes=tuple(schemes.values()),
        operations=tuple(operations),
    )
