"""The API cookbook: an offline, interactive documentation page for an app's JSON API.

Owns example generation (:mod:`.examples`: schema -> realistic value), the reading of
OpenAPI documents into operations (:mod:`.operations`), the copy-ready curl / httpx /
fetch snippets (:mod:`.snippets`, built on :mod:`.requests`), the page's view data
(:mod:`.page`) and the opt-in :class:`CookbookExtension` that serves it with its
framework static script (``shipyard/cookbook/cookbook.js``). It does not own the OpenAPI
document itself (FastAPI, or :mod:`shipyard.api.versioning` per version).
"""

from shipyard.api.cookbook.examples import example_for
from shipyard.api.cookbook.extension import CookbookExtension
from shipyard.api.cookbook.operations import Document, Operation, read_document
from shipyard.api.cookbook.requests import Body, RequestExample
from shipyard.api.cookbook.snippets import curl, fetch, httpx_snippet, snippets_for

__all__ = [
    "Body",
    "CookbookExtension",
    "Document",
    "Operation",
    "RequestExample",
    "curl",
    "example_for",
    "fetch",
    "httpx_snippet",
    "read_document",
    "snippets_for",
]
