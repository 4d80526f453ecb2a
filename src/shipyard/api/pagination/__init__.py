"""Pagination of API lists: keyset cursors, offset pages, ``Link`` headers, totals.

Owns :func:`paginate` (one page of a list query, by signed cursor or by offset), the
:class:`Page` response model, the cursor format (:mod:`.cursor`), the keyset SQL
(:mod:`.keyset`) and RFC 8288 ``Link`` headers (:mod:`.links`). Parsing the query string
into a sort and a limit belongs to :mod:`shipyard.api.query`.
"""

from shipyard.api.pagination.cursor import Cursor, CursorCodec, InvalidCursor
from shipyard.api.pagination.keyset import SortKey
from shipyard.api.pagination.page import Page
from shipyard.api.pagination.paginate import DEFAULT_MAX_OFFSET, PageQuery, paginate

__all__ = [
    "DEFAULT_MAX_OFFSET",
    "Cursor",
    "CursorCodec",
    "InvalidCursor",
    "Page",
    "PageQuery",
    "SortKey",
    "paginate",
]
