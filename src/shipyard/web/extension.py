"""``WebExtension``: puts templates, static files, htmx and error pages on an App.

Registered by default. At setup it fills the ``body_limit`` middleware slot (bodies over
``web.max_body_size``, or the route's own ``max_body_size``, get a 413), mounts the static
files under the reserved ``/_shipyard/static`` and, behind the app's own routes, under
``settings.web.static_url`` along with the problem type pages; it installs the error
handlers and creates the app's Jinja environment with the framework's template globals
(``htmx_config``, ``htmx_extensions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.web.body_limit import BodyLimitMiddleware
from shipyard.web.errors import install_error_handlers
from shipyard.web.problem_pages import problem_pages
from shipyard.web.static import FRAMEWORK_STATIC_URL, get_static_files
from shipyard.web.templates import get_templates, register_template_global

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

HTMX_CONFIG: dict[str, Any] = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "selfRequestsOnly": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {
            "code": "[45]..",
            "swap": True,
            "error": True,
            "target": "#flash-messages",
            "swapOverride": "innerHTML",
        },
    ],
}
"""htmx settings for a strict CSP (no eval, no injected styles); 422 re-rendered forms
are swapped in place, other error fragments are shown in ``#flash-messages``."""

LARGE_BODY_LIMIT = 16 * 1024 * 1024
"""An app-wide body limit above this gets ``web.W001`` before deploying."""


class WebExtension(Extension):
    """Templates, static files (with the vendored htmx) and error pages."""

    name = "web"

    def setup(self, app: AppBase) -> None:
        app.use_middleware("body_limit", BodyLimitMiddleware)
        # FastAPI(max_body_size=...) would add FastAPI's own check outside every middleware,
        # answering in plain text; ours reads that limit from app.router instead.
        app.max_body_size = None
        get_templates(app)
        register_template_global(app, "app_name", app.settings.app.name)
        register_template_global(app, "htmx_config", HTMX_CONFIG)
        register_template_global(app, "htmx_extensions", ())
        static_files = get_static_files(app)
        app.mount(FRAMEWORK_STATIC_URL, static_files, name="shipyard_static")
        with app.behind_app_routes():
            app.mount(app.settings.web.static_url, static_files, name="static")
            problem_base = app.settings.api.problem_base_uri
            if problem_base.startswith("/"):
                app.include_router(problem_pages, prefix=problem_base.rstrip("/"))
        install_error_handlers(app)
        # Our handler decides between the debug page and a safe 500 from the *current*
        # settings; Starlette's debug mode would bypass it with its own traceback page,
        # unless the app asked for it in so many words (App(debug=True)).
        if not app.debug_requested:
            app.debug = False

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        limit = app.settings.web.max_body_size
        if deploy and limit > LARGE_BODY_LIMIT:
            yield Finding(
                "web.W001",
                "warning",
                f"web.max_body_size is {limit / 2**20:.0f} MiB: every route, anonymous ones "
                "included, accepts bodies that large",
                "keep web.max_body_size small (the default is 2.5 MiB) and raise it on the "
                "upload routes only, with max_body_size= on the route or its router",
            )
