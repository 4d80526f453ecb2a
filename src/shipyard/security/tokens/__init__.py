"""Moved: JWT access and refresh tokens now live in :mod:`shipyard.auth.tokens`.

This path keeps old imports working: it re-exports every public name of the new home.
"""

from shipyard.auth.tokens import *  # noqa: F403
from shipyard.auth.tokens import __all__ as __all__
