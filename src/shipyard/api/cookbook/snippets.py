"""Copy-ready code for a :class:`RequestExample`: curl, Python (httpx), JavaScript (fetch).

Correct by construction, whatever the example values hold (quotes, ``$(...)``,
backticks, newlines): every shell word goes through :func:`shlex.quote` (and bodies
through ``--data-raw``/``--form-string``, which never read files for a leading ``@``),
Python values are written with ``repr`` and JavaScript values with ``json.dumps`` (JSON
is valid JavaScript once U+2028/U+2029 are escaped).
"""

from __future__ import annotations

import json
import math
import shlex
from typing import Any
from urllib.parse import quote, urlencode

from shipyard.api.cookbook.requests import RequestExample

INDENT = "    "
UPLOAD_NAME = "file.bin"
"""The placeholder file name that snippets upload for multipart file fields."""


def _json_text(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


def js_literal(value: Any, indent: int | None = 2) -> str:
    """``value`` as a JavaScript literal (JSON, with the line separators escaped)."""
    return _json_text(value, indent).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def py_literal(value: Any, level: int = 0) -> str:
    """``value`` (a JSON value) as an indented Python literal."""
    pad, inner = INDENT * level, INDENT * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{str(key)!r}: {py_literal(item, level + 1)}," for key, item in value.items()
        ]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{py_literal(item, level + 1)}," for item in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    return repr(str(value))


def curl(request: RequestExample) -> str:
    """A curl command line (POSIX shell), one option per line."""
    method = request.method.upper()
    first = "curl"
    if method == "HEAD":
        first += " --head"
    elif method != "GET" or request.body is not None:
        first += f" -X {method}"
    words = [f"{first} {shlex.quote(request.full_url)}"]
    for name, value in request.all_headers():
        words.append("-H " + shlex.quote(f"{name}: {value}"))
    body = request.body
    if body is not None:
        if body.kind == "json":
            words.append("--data-raw " + shlex.quote(_json_text(body.value)))
        elif body.kind == "form":
            words.append("--data-raw " + shlex.quote(urlencode(body.fields(), quote_via=quote)))
        elif body.kind == "multipart":
            words.extend("--form-string " + shlex.quote(f"{k}={v}") for k, v in body.fields())
            words.extend("-F " + shlex.quote(f"{name}=@{UPLOAD_NAME}") for name in body.files)
        else:
            words.append("--data-raw " + shlex.quote(str(body.value)))
    return " \\\n  ".join(words)


_PY_BODYLESS = {"GET", "HEAD", "OPTIONS", "DELETE"}
_PY_WITH_BODY = {"POST", "PUT", "PATCH"}


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Pairs as a mapping, repeated names collected into lists (as httpx expects)."""
    grouped: dict[str, str | list[str]] = {}
    for name, value in pairs:
        present = grouped.get(name)
        if present is None:
            grouped[name] = value
        elif isinstance(present, list):
            present.append(value)
        else:
            grouped[name] = [present, value]
    return grouped


def _python_call(request: RequestExample) -> tuple[str, list[str]]:
    method = request.method.upper()
    if method in _PY_WITH_BODY or (method in _PY_BODYLESS and request.body is None):
        return f"httpx.{method.lower()}(", []
    return "httpx.request(", [repr(method)]


def httpx_snippet(request: RequestExample) -> str:
    """Python code using httpx that sends the request and prints the answer."""
    call, args = _python_call(request)
    args.append(repr(request.url))
    if request.query:
        args.append("params=" + py_literal(_grouped(list(request.query)), 1))
    headers = request.all_headers()
    if headers:
        args.append("headers=" + py_literal(dict(headers), 1))
    body = request.body
    if body is not None:
        if body.kind == "json":
            args.append("json=" + py_literal(body.value, 1))
        elif body.kind in {"form", "multipart"}:
            args.append("data=" + py_literal(_grouped(body.fields()), 1))
            if body.files:
                files = ", ".join(f"({name!r}, open({UPLOAD_NAME!r}, 'rb'))" for name in body.files)
                args.append(f"files=[{files}]")
        else:
            args.append("content=" + repr(str(body.value)))
    lines = ["import httpx", "", f"response = {call}"]
    lines.extend(f"{INDENT}{arg}," for arg in args)
    lines.extend([")", "print(response.status_code)", "print(response.text)"])
    return "\n".join(lines)


def fetch(request: RequestExample) -> str:
    """JavaScript using ``fetch`` (in a module or an async function) that sends the request."""
    lines: list[str] = []
    options = [f"  method: {js_literal(request.method.upper())},"]
    headers = request.all_headers()
    if headers:
        options.append("  headers: {")
        options.extend(f"    {js_literal(name)}: {js_literal(value)}," for name, value in headers)
        options.append("  },")
    body = request.body
    if body is not None:
        if body.kind == "json":
            text = js_literal(body.value).replace("\n", "\n  ")
            options.append(f"  body: JSON.stringify({text}),")
        elif body.kind == "form":
            pairs = js_literal([list(pair) for pair in body.fields()], None)
            options.append(f"  body: new URLSearchParams({pairs}),")
        elif body.kind == "multipart":
            lines.append("const form = new FormData();")
            lines.extend(
                f"form.append({js_literal(name)}, {js_literal(value)});"
                for name, value in body.fields()
            )
            upload = js_literal(UPLOAD_NAME)
            lines.extend(
                f'form.append({js_literal(name)}, new Blob(["file contents"]), {upload});'
                for name in body.files
            )
            options.append("  body: form,")
        else:
            options.append(f"  body: {js_literal(str(body.value))},")
    lines.append(f"const response = await fetch({js_literal(request.full_url)}, {{")
    lines.extend(options)
    lines.append("});")
    lines.append("console.log(response.status, await response.text());")
    return "\n".join(lines)


SNIPPETS = {"curl": curl, "python": httpx_snippet, "javascript": fetch}
"""The generators by language, in the order the page shows them."""


def snippets_for(request: RequestExample) -> dict[str, str]:
    """Every snippet for ``request``, keyed ``curl``/``python``/``javascript``."""
    return {language: generate(request) for language, generate in SNIPPETS.items()}
