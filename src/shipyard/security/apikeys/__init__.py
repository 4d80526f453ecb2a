"""Moved: API keys now live in :mod:`shipyard.auth.apikeys`.

This path keeps old imports working: it re-exports every public name of the new home.
"""

from shipyard.auth.apikeys import *  # noqa: F403
from shipyard.auth.apikeys import __all__ as __all__
