"""Moved: Rate limits now live in :mod:`shipyard.ratelimit`.

This path keeps old imports working: it re-exports every public name of the new home.
"""

from shipyard.ratelimit import *  # noqa: F403
from shipyard.ratelimit import __all__ as __all__
