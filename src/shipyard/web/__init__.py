"""The web layer: Jinja templates and fragments, htmx helpers, static files, error pages.

Owns rendering (``render``, block/fragment selection, ``Vary: HX-Request``), the htmx
request/response helpers (:mod:`shipyard.web.htmx`), static file serving with cache
busting and the vendored htmx, and HTML/problem-JSON error responses. Sessions, CSRF and
security headers live in :mod:`shipyard.security`; forms in :mod:`shipyard.forms`.
"""

from shipyard.core.problems import HTTPProblem
from shipyard.web.errors import problem_response
from shipyard.web.extension import WebExtension
from shipyard.web.htmx import Htmx, HtmxDetails
from shipyard.web.pages import PageRouter
from shipyard.web.render import render, render_to_string
from shipyard.web.static import get_static_files
from shipyard.web.templates import (
    TEMPLATES,
    TemplatesDep,
    get_templates,
    register_context_processor,
    register_template_filter,
    register_template_global,
)

__all__ = [
    "TEMPLATES",
    "HTTPProblem",
    "Htmx",
    "HtmxDetails",
    "PageRouter",
    "TemplatesDep",
    "WebExtension",
    "get_static_files",
    "get_templates",
    "problem_response",
    "register_context_processor",
    "register_template_filter",
    "register_template_global",
    "render",
    "render_to_string",
]
