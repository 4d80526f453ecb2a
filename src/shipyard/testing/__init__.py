"""Test support for Shipyard apps: the pytest plugin, the identity-aware client, test data.

The fixtures live in :mod:`shipyard.testing.plugin` (registered as a pytest plugin);
:mod:`shipyard.testing.client` is the ``client`` fixture's class (``as_user``,
``get_as``...), :mod:`shipyard.testing.factories` and :mod:`shipyard.testing.scenario`
build test data, :mod:`shipyard.testing.mail` reads sent mail,
:mod:`shipyard.testing.policies` checks authorization policies (``assert_can``, a policy
matrix), :mod:`shipyard.testing.jobs` holds jobs and :mod:`shipyard.testing.services`
helps tests reach real servers. The heavier modules are imported on first use, so
loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shipyard.db.querycount import assert_max_queries, count_queries

if TYPE_CHECKING:
    from shipyard.testing.client import ShipyardClient
    from shipyard.testing.factories import Factory, UserFactory, factory_for, role_factory
    from shipyard.testing.mail import first_link, links
    from shipyard.testing.policies import (
        assert_can,
        assert_cannot,
        assert_policy_matrix,
        identity_with,
        policy_matrix,
    )
    from shipyard.testing.scenario import BuiltScenario, Scenario

_LAZY = {
    "ShipyardClient": "shipyard.testing.client",
    "Factory": "shipyard.testing.factories",
    "UserFactory": "shipyard.testing.factories",
    "factory_for": "shipyard.testing.factories",
    "role_factory": "shipyard.testing.factories",
    "first_link": "shipyard.testing.mail",
    "links": "shipyard.testing.mail",
    "assert_can": "shipyard.testing.policies",
    "assert_cannot": "shipyard.testing.policies",
    "assert_policy_matrix": "shipyard.testing.policies",
    "identity_with": "shipyard.testing.policies",
    "policy_matrix": "shipyard.testing.policies",
    "BuiltScenario": "shipyard.testing.scenario",
    "Scenario": "shipyard.testing.scenario",
}

__all__ = [
    "BuiltScenario",
    "Factory",
    "Scenario",
    "ShipyardClient",
    "UserFactory",
    "assert_can",
    "assert_cannot",
    "assert_max_queries",
    "assert_policy_matrix",
    "count_queries",
    "factory_for",
    "first_link",
    "identity_with",
    "links",
    "policy_matrix",
    "role_factory",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'shipyard.testing' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
