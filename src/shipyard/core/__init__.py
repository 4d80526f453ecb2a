"""The core every subsystem builds on: the app base, services, problems, the clock.

Owns :class:`~shipyard.core.app.AppBase` (settings, extension registry, lifespan,
template/static directories, the declared middleware order), typed services
(:class:`~shipyard.core.services.Service`), RFC 9457 problem details, the one clock and
finding the user's app (``SHIPYARD_APP``, pyproject.toml). It imports only ``config``,
``extension`` and ``errors``; it knows no battery (those are listed by ``shipyard.App``).
"""
