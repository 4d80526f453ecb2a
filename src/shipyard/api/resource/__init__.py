"""Typed CRUD resources for JSON APIs, built on list queries and pagination.

Owns :class:`Resource` (list with a :class:`~shipyard.api.query.Listing` and
:func:`~shipyard.api.pagination.paginate`, get, create, update, delete, with declared
relationship loading so lists stay N+1-free), the problem documents those answer (404,
409), the partial response models used when clients select fields, and
:meth:`Resource.router`, which builds the standard FastAPI routes. Parsing the query
string, paging and versioning belong to :mod:`shipyard.api.query`,
:mod:`shipyard.api.pagination` and :mod:`shipyard.api.versioning`.
"""

from shipyard.api.resource.conflicts import conflict_detail
from shipyard.api.resource.crud import Resource
from shipyard.api.resource.partial import page_content, partial_model
from shipyard.api.resource.routes import OPERATIONS, CrudOperation

__all__ = [
    "OPERATIONS",
    "CrudOperation",
    "Resource",
    "conflict_detail",
    "page_content",
    "partial_model",
]
