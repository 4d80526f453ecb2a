"""Test support for Shipyard apps: the pytest plugin, fixtures, query counting, servers.

The fixtures live in :mod:`shipyard.testing.plugin` (registered as a pytest plugin);
:mod:`shipyard.testing.services` helps tests reach real servers.
"""

from shipyard.db.querycount import assert_max_queries, count_queries

__all__ = ["assert_max_queries", "count_queries"]
