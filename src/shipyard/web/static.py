"""Static files: lookup over the app's directories, cache-busting URLs, a pure ASGI server.

Files are looked up in ``app.static_dirs`` in order, then in the framework's
``shipyard/static`` (which holds the vendored htmx under ``shipyard/vendor/``). They are
served at two prefixes: ``settings.web.static_url`` (``/static``), mounted behind the
app's own routes so an app's ``app.mount("/static", ...)`` wins as in plain FastAPI, and
the reserved :data:`FRAMEWORK_STATIC_URL`, which the framework's own assets
(``shipyard/...``) always use and which nothing of the app shadows.

``static_url("app.css")`` gives ``/static/app.css?v=<first 12 hex of its sha256>`` (the
reserved prefix when the app has taken ``/static`` for itself); the hash is cached per
file and recomputed when the file's size or mtime changes, so an edited file gets a new
URL. A request whose ``v`` matches the current hash is served with
``Cache-Control: public, max-age=31536000, immutable``; others revalidate.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, QueryParams
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from shipyard.core.services import Service

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger("shipyard.web.static")

FRAMEWORK_STATIC = Path(__file__).resolve().parent.parent / "static"
"""The framework's own static files (vendored htmx and its extensions)."""

FRAMEWORK_STATIC_URL = "/_shipyard/static"
"""The reserved prefix the framework's own assets are served under."""

FRAMEWORK_NAMESPACE = "shipyard/"
"""Paths under this folder are framework assets, linked through the reserved prefix."""

IMMUTABLE = "public, max-age=31536000, immutable"
_HASH_LENGTH = 12
REMEMBERED_URLS = 4096
"""At most this many URLs are remembered in production (a template may build paths)."""


def _safe_parts(path: str) -> tuple[str, ...] | None:
    """The path's segments, or None if it could escape its directory."""
    if "\x00" in path or "\\" in path:
        return None
    parts = PurePosixPath(path.lstrip("/")).parts
    if not parts or any(part in {"..", "."} or part.startswith("/") for part in parts):
        return None
    return parts


class StaticFiles:
    """The static files of one app: ``find``, ``url`` and the ASGI app serving them."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._hashes: dict[Path, tuple[int, int, str]] = {}
        self._taken: tuple[int, bool] | None = None
        self._urls: dict[tuple[str, str, bool], str] = {}
        settings = getattr(app, "settings", None)
        self.prefix: str = settings.web.static_url if settings is not None else "/static"
        """The URL prefix (``settings.web.static_url`` when the files were mounted)."""
        self.fixed_files: bool = settings is not None and settings.is_production
        """True in production: a URL once worked out is remembered (no stat per link)."""

    @property
    def directories(self) -> list[Path]:
        """Where files are looked up, first match wins."""
        return [*getattr(self.app, "static_dirs", ()), FRAMEWORK_STATIC]

    def find(self, path: str) -> tuple[Path, os.stat_result] | None:
        """The file for a URL path (with its stat), or None; never escapes its directory."""
        parts = _safe_parts(path)
        if parts is None:
            return None
        for directory in self.directories:
            root = directory.resolve()
            candidate = root.joinpath(*parts).resolve()
            if not candidate.is_relative_to(root):
                continue
            try:
                info = candidate.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                return candidate, info
        return None

    def content_hash(self, path: str) -> str | None:
        """The first 12 hex digits of the file's sha256, cached until it changes."""
        found = self.find(path)
        if found is None:
            return None
        file, info = found
        cached = self._hashes.get(file)
        if cached is not None and cached[:2] == (info.st_size, info.st_mtime_ns):
            return cached[2]
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:_HASH_LENGTH]
        self._hashes[file] = (info.st_size, info.st_mtime_ns, digest)
        return digest

    def url(self, path: str, root_path: str = "") -> str:
        """The URL of a static file with its content hash (logged, unhashed if missing)."""
        taken = self.public_prefix_taken()
        if not self.fixed_files:
            return self._versioned(path, root_path, taken)
        key = (path, root_path, taken)
        url = self._urls.get(key)
        if url is None:
            url = self._versioned(path, root_path, taken)
            if len(self._urls) < REMEMBERED_URLS:
                self._urls[key] = url
        return url

    def _versioned(self, path: str, root_path: str, taken: bool) -> str:
        clean = path.lstrip("/")
        reserved = clean.startswith(FRAMEWORK_NAMESPACE) or taken
        prefix = FRAMEWORK_STATIC_URL if reserved else self.prefix
        base = f"{root_path}{prefix}/{clean}"
        digest = self.content_hash(clean)
        if digest is None:
            logger.warning("static file %r not found in %s", path, self.directories)
            return base
        return f"{base}?v={digest}"

    def public_prefix_taken(self) -> bool:
        """True when a route of the app answers under the public prefix (and so wins).

        Worked out again only when the number of routes changes.
        """
        routes = getattr(self.app, "routes", [])
        if self._taken is not None and self._taken[0] == len(routes):
            return self._taken[1]
        probe: Scope = {
            "type": "http",
            "method": "GET",
            "path": f"{self.prefix}/_",
            "root_path": "",
        }
        taken = any(
            getattr(route, "app", None) is not self and route.matches(probe)[0] is not Match.NONE
            for route in routes
        )
        self._taken = (len(routes), taken)
        return taken

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve ``GET``/``HEAD`` of a file under the mount point (pure ASGI)."""
        response = self._respond(scope)
        await response(scope, receive, send)

    def _respond(self, scope: Scope) -> Response:
        if scope["type"] != "http":
            return PlainTextResponse("Not Found", status_code=404)
        if scope["method"] not in {"GET", "HEAD"}:
            return PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        root_path = scope.get("root_path", "")
        path: str = scope["path"]
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        found = self.find(path)
        if found is None:
            return PlainTextResponse("Not Found", status_code=404)
        file, info = found
        requested = QueryParams(scope.get("query_string", b"")).get("v")
        fresh = requested is not None and requested == self.content_hash(path)
        max_age = self._max_age()
        cache = IMMUTABLE if fresh else f"public, max-age={max_age}, must-revalidate"
        if max_age == 0 and not fresh:
            cache = "no-cache"
        response = FileResponse(file, headers={"Cache-Control": cache}, stat_result=info)
        if_none_match = Headers(scope=scope).get("if-none-match")
        etag = response.headers.get("etag")
        if if_none_match and etag and etag in {tag.strip() for tag in if_none_match.split(",")}:
            return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})
        return response

    def _max_age(self) -> int:
        settings = getattr(self.app, "settings", None)
        return int(settings.web.static_max_age) if settings is not None else 0


STATIC_FILES = Service("static_files", StaticFiles, "static files")
"""The app's :class:`StaticFiles`, made on first use."""


def get_static_files(app: FastAPI) -> StaticFiles:
    """The app's :class:`StaticFiles`, created on first use."""
    return STATIC_FILES.get_or_create(app, lambda: StaticFiles(app))
