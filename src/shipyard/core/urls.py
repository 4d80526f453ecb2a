"""Absolute URLs from the app's canonical URL (``app.base_url``), never from a request.

A link that leaves the request it was made in (mail, jobs, anything outside a request)
must not follow the ``Host`` header: a forged header would send the recipient a genuine
token on someone else's site. :func:`absolute_url_for` joins ``app.base_url`` and a
route's path. Outside production an unset base URL means ``http://localhost:<port>``
(``shipyard dev``); production refuses to start without one
(:mod:`shipyard.config.production`), and asking for a link there without one is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from shipyard.config.models import Settings
    from shipyard.core.app import AppBase


def canonical_url(settings: Settings) -> str:
    """The app's public URL without a trailing slash: ``app.base_url`` or the local default."""
    if settings.app.base_url is not None:
        return settings.app.base_url
    if settings.is_production:
        raise ShipyardError(
            "app.base_url is not set, so links in mail have no address to point at",
            hint="set app.base_url (SHIPYARD_APP__BASE_URL) to the site's https URL, "
            "e.g. https://example.com",
        )
    return f"http://localhost:{settings.server.port}"


def absolute_url_for(app: AppBase, name: str, /, **path_params: Any) -> str:
    """The absolute URL of the route called ``name``, under :func:`canonical_url`."""
    return canonical_url(app.settings) + str(app.url_path_for(name, **path_params))
