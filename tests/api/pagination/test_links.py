"""``Link`` header building: other parameters kept, pagination ones replaced, merged."""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.responses import Response

from shipyard.api.pagination.links import link_header, page_url, set_link_header


def test_page_url_replaces_only_the_pagination_params() -> None:
    url = URL("https://api.example.com/v2/books?q=a%26b&cursor=old&offset=3&sort=-x")
    assert page_url(url) == "https://api.example.com/v2/books?q=a%26b&sort=-x"
    assert (
        page_url(url, cursor="c-_1")
        == "https://api.example.com/v2/books?q=a%26b&sort=-x&cursor=c-_1"
    )
    assert page_url(url, offset=20).endswith("?q=a%26b&sort=-x&offset=20")


def test_link_header_keeps_an_existing_link_header() -> None:
    response = Response()
    response.headers["Link"] = '</v3/books>; rel="successor-version"'
    set_link_header(response, {"first": "http://t/b", "next": "http://t/b?cursor=x"})
    assert response.headers.getlist("link") == [
        '</v3/books>; rel="successor-version"',
        '<http://t/b>; rel="first", <http://t/b?cursor=x>; rel="next"',
    ]
    assert link_header({}) == ""
