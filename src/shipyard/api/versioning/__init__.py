"""API versioning: negotiation, versioned routes, deprecation headers, per-version OpenAPI.

Owns choosing a request's API version (``Accept: application/vnd.<vendor>.v2+json`` or a
``/v2/`` URL prefix, per ``api.mode``), routing it to the handler that serves that
version, the response headers that echo it (``Content-Type``, ``Vary``) or announce its
deprecation (``Deprecation``, ``Sunset``, ``Link``), and one OpenAPI document per
version. Settings live in the ``api`` section (:class:`shipyard.config.models.ApiSettings`);
problem types in :mod:`shipyard.api.problems`. See docs/api-versioning.md.
"""

from shipyard.api.versioning.negotiation import VersionChoice, choose_version, media_type
from shipyard.api.versioning.openapi import (
    ApiVersioning,
    check_declared_versions,
    openapi_for_version,
)
from shipyard.api.versioning.routing import (
    ApiVersion,
    VersionedRoute,
    VersionedRouter,
    api_version,
    versions,
)

__all__ = [
    "ApiVersion",
    "ApiVersioning",
    "VersionChoice",
    "VersionedRoute",
    "VersionedRouter",
    "api_version",
    "check_declared_versions",
    "choose_version",
    "media_type",
    "openapi_for_version",
    "versions",
]
