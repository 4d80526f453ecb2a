"""HTTP caching helpers: ETags, Last-Modified, conditional requests and ``Cache-Control``.

- :func:`strong_etag` of a body (a BLAKE2 digest, so equal bodies give equal tags),
  :func:`weak_etag` for a representation that is equivalent but not byte-identical
  (say, a row's version number);
- :func:`not_modified`: whether ``If-None-Match`` (weak comparison) or, without it,
  ``If-Modified-Since`` lets a ``GET``/``HEAD`` be answered ``304`` (RFC 9110 13.2.2);
- :func:`precondition_failed`: whether ``If-Match`` (strong comparison) refuses a
  write, the ``412`` of optimistic concurrency;
- :func:`conditional`: a response turned into its ``304`` when the request allows;
- :func:`cache_control`: a ``Cache-Control`` value from keyword arguments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import Response

NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary"}
)
"""Headers a 304 repeats from the response it stands for (RFC 9110 15.4.5)."""


def strong_etag(body: bytes) -> str:
    """A strong ETag for exactly these bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def weak_etag(version: str | int | bytes) -> str:
    """A weak ETag (``W/"..."``) for a representation identified by ``version``."""
    data = version if isinstance(version, bytes) else str(version).encode()
    return 'W/"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'


def _tags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_in(header: str, etag: str, *, strong: bool) -> bool:
    """Whether the ``If-Match``/``If-None-Match`` value ``header`` names ``etag`` (``*``
    names any). ``strong``: weak tags never match (for ``If-Match``)."""
    for tag in _tags(header):
        if tag == "*":
            return True
        if strong:
            if not tag.startswith("W/") and not etag.startswith("W/") and tag == etag:
                return True
        elif _opaque(tag) == _opaque(etag):
            return True
    return False


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP date (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """The moment of an HTTP date, None for anything malformed."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def not_modified(
    headers: Mapping[str, str], etag: str | None, last_modified: datetime | None = None
) -> bool:
    """Whether a ``GET``/``HEAD`` with request ``headers`` may be answered ``304``."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return etag is not None and etag_in(if_none_match, etag, strong=False)
    since = headers.get("if-modified-since")
    if since is None or last_modified is None:
        return False
    moment = parse_http_date(since)
    return moment is not None and last_modified.replace(microsecond=0) <= moment


def precondition_failed(headers: Mapping[str, str], etag: str | None) -> bool:
    """Whether ``If-Match`` refuses a write to a resource whose current tag is ``etag``
    (None: the resource does not exist)."""
    if_match = headers.get("if-match")
    if if_match is None:
        return False
    return etag is None or not etag_in(if_match, etag, strong=True)


def not_modified_response(headers: Headers | Mapping[str, str]) -> Response:
    """The ``304`` standing for a response with ``headers``."""
    kept = {name: value for name, value in headers.items() if name.lower() in NOT_MODIFIED_HEADERS}
    return Response(status_code=304, headers=kept)


def conditional(
    request: HTTPConnection, response: Response, *, last_modified: datetime | None = None
) -> Response:
    """``response`` with a strong ETag (and ``Last-Modified``), or its ``304`` when the
    request's validators match. Only for a ``200`` with its body in memory."""
    if response.status_code != 200:
        return response
    etag = response.headers.get("etag") or strong_etag(bytes(response.body))
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    if not_modified(request.headers, etag, last_modified):
        return not_modified_response(response.headers)
    return response


def cache_control(
    *,
    max_age: int | None = None,
    s_maxage: int | None = None,
    public: bool = False,
    private: bool = False,
    no_cache: bool = False,
    no_store: bool = False,
    must_revalidate: bool = False,
    immutable: bool = False,
    stale_while_revalidate: int | None = None,
) -> str:
    """A ``Cache-Control`` value: ``cache_control(max_age=60, public=True)`` is
    ``public, max-age=60``."""
    if public and private:
        raise ValueError("a response is either public or private")
    parts = [
        name
        for name, on in (
            ("public", public),
            ("private", private),
            ("no-cache", no_cache),
            ("no-store", no_store),
            ("must-revalidate", must_revalidate),
            ("immutable", immutable),
        )
        if on
    ]
    for name, seconds in (
        ("max-age", max_age),
        ("s-maxage", s_maxage),
        ("stale-while-revalidate", stale_while_revalidate),
    ):
        if seconds is not None:
            if seconds < 0:
                raise ValueError(f"{name} cannot be negative")
            parts.append(f"{name}={seconds}")
    return ", ".join(parts)
