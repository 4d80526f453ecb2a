"""Data shaping and versioned JSON APIs.

Owns the building blocks of list and resource endpoints: declarative list queries
(:mod:`shipyard.api.query`: sorting, filtering, field selection), cursor and offset
pagination (:mod:`shipyard.api.pagination`), API versioning (:mod:`shipyard.api.versioning`),
stable problem types (:mod:`shipyard.api.problems`) and the interactive API cookbook
(:mod:`shipyard.api.cookbook`).
"""
