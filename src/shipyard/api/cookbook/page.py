"""What the cookbook template shows: each operation with its snippets and try-it fields.

:func:`build_page` turns a :class:`~shipyard.api.cookbook.operations.Document` into
plain view data (no request, no I/O), so the template only loops and escapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlencode

from shipyard.api.cookbook.operations import Document, Operation, Parameter
from shipyard.api.cookbook.requests import Body, as_text
from shipyard.api.cookbook.snippets import snippets_for

LANGUAGES = {"curl": "curl", "python": "Python (httpx)", "javascript": "JavaScript (fetch)"}
"""Snippet tabs: key -> label."""


@dataclass(frozen=True)
class TryField:
    """One input of the try-it form."""

    name: str
    location: str
    """``path``, ``query``, ``header``, ``cookie``, ``form`` (multipart text) or ``file``."""
    value: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class OperationView:
    """An operation as the page shows it."""

    operation: Operation
    snippets: dict[str, str]
    fields: tuple[TryField, ...]
    body_text: str | None
    """The editable body for JSON, urlencoded and text bodies (None otherwise)."""
    media_type: str
    unique: str = ""
    """JSON for the script: each unique body field's example, ``maxLength`` and value shown."""


@dataclass(frozen=True)
class PageView:
    """The whole page: the document, its groups of operations, and the header inputs."""

    document: Document
    groups: list[tuple[str, list[OperationView]]]
    accept: str
    versions: list[str]
    version: str

    @property
    def default_version(self) -> str:
        """The version served when a request names none (listed first)."""
        return self.versions[0] if self.versions else ""


def _field(param: Parameter) -> TryField:
    value = param.example_text if param.show else ""
    return TryField(param.name, param.location, value, param.required, param.description)


def _body_text(body: Body) -> str | None:
    if body.kind == "json":
        return json.dumps(body.value, indent=2, ensure_ascii=False)
    if body.kind == "form":
        return urlencode(body.fields(), quote_via=quote)
    if body.kind == "text":
        return as_text(body.value)
    return None


def _body_fields(body: Body) -> list[TryField]:
    if body.kind != "multipart":
        return []
    fields = [TryField(name, "form", value, False) for name, value in body.fields()]
    return [*fields, *(TryField(name, "file", "", False) for name in body.files)]


def fresh_value(value: str, suffix: str, max_length: int | None = None) -> str:
    """``value`` made unique with ``suffix``: ``ada+sfx@example.com``, ``Fram sfx``, ``a-sfx``.

    The example part is shortened so the result fits ``max_length``.
    """
    local, at, domain = value.partition("@")
    if at:
        return f"{local}+{suffix}@{domain}"
    joint = " " if " " in value or value[:1].isupper() else "-"
    room = len(value) if max_length is None else max(max_length - len(suffix) - 1, 0)
    return f"{value[:room]}{joint}{suffix}" if room else suffix[:max_length]


def _freshened(operation: Operation, fresh: str) -> tuple[Operation, str]:
    """The operation with fresh unique body values, and the script's JSON about them."""
    body = operation.body
    if not fresh or body is None or body.kind != "json" or not isinstance(body.value, dict):
        return operation, ""
    value: dict[str, Any] = dict(body.value)
    bases: dict[str, dict[str, Any]] = {}
    for name, limit in operation.unique.items():
        if isinstance(value.get(name), str):
            shown = fresh_value(value[name], fresh, limit)
            bases[name] = {"base": value[name], "max": limit, "shown": shown}
            value[name] = shown
    if not bases:
        return operation, ""
    return replace(operation, body=replace(body, value=value)), json.dumps(bases)


def operation_view(
    operation: Operation, base_url: str, accept: str | None, fresh: str = ""
) -> OperationView:
    """The snippets (against ``base_url``) and the try-it inputs of one operation.

    ``fresh``: the suffix that makes unique body fields new (none: the examples as written).
    """
    operation, unique = _freshened(operation, fresh)
    body = operation.body
    fields = [_field(param) for param in operation.parameters]
    if body is not None:
        fields.extend(_body_fields(body))
    return OperationView(
        operation=operation,
        snippets=snippets_for(operation.example(base_url, accept=accept)),
        fields=tuple(fields),
        body_text=_body_text(body) if body is not None else None,
        media_type=body.media_type if body is not None else "",
        unique=unique,
    )


def build_page(
    document: Document,
    base_url: str,
    *,
    accept: str | None = None,
    versions: list[str] | None = None,
    version: str = "",
    fresh: str = "",
) -> PageView:
    """The page for ``document``; ``accept`` is the version media type sent, if any.

    ``fresh`` is the suffix for unique body fields (see :func:`fresh_value`).
    """
    groups = [
        (tag, [operation_view(operation, base_url, accept, fresh) for operation in operations])
        for tag, operations in document.by_tag()
    ]
    return PageView(document, groups, accept or "", versions or [], version)
