"""Declarative list queries: sorting, filtering, field selection and a full-text hook.

Declare a resource once with :class:`Listing`; ``Depends(listing)`` parses the query
string (``?sort=-created_at,title&price__gte=10&fields=id,title&q=...``) into a validated
:class:`ListQuery` that applies itself to a SQLAlchemy select. Bad input is a 400 problem
document listing what is allowed; values only ever reach SQL as bound parameters.
Pagination (``limit``/``cursor``/``offset``/``total``) lives in :mod:`shipyard.api.pagination`.
"""

from shipyard.api.query.errors import PROBLEM_TYPE
from shipyard.api.query.filtering import Filter, FilterField
from shipyard.api.query.listing import RESERVED, Listing, ListQuery, Search
from shipyard.api.query.operators import Op
from shipyard.api.query.selection import project
from shipyard.api.query.sorting import SortTerm

__all__ = [
    "PROBLEM_TYPE",
    "RESERVED",
    "Filter",
    "FilterField",
    "ListQuery",
    "Listing",
    "Op",
    "Search",
    "SortTerm",
    "project",
]
