"""RFC 8288 ``Link`` headers for paginated responses.

Each link is the absolute URL of the current request with its other query parameters
kept and only the pagination ones (``cursor``, ``offset``) replaced.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import URL
from starlette.responses import Response

PAGINATION_PARAMS = ("cursor", "offset")


def page_url(url: URL, **params: str | int) -> str:
    """``url`` with the pagination parameters replaced by ``params`` (none: first page)."""
    bare = url.remove_query_params(PAGINATION_PARAMS)
    return str(bare.include_query_params(**params) if params else bare)


def link_header(links: Mapping[str, str]) -> str:
    """The ``Link`` header value for ``{rel: url}``."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())


def set_link_header(response: Response, links: Mapping[str, str]) -> None:
    """Add the links to ``response`` (another ``Link`` header already set is kept)."""
    if links:
        response.headers.append("Link", link_header(links))
