"""The Jinja2 environment of an app: loaders, globals and context processors.

One :class:`Templates` per app, created on first use (so any extension can register
globals before or after the web extension is set up). Templates are looked up in
``app.template_dirs`` in order (the app's own directories first when added with
``override=True``), then in the framework's ``shipyard/templates``: an app overrides a
framework template by putting a file with the same name in its own directory.

Globals available in every template: ``url_for(name, **path_params)``,
``static_url(path)``, ``oob(...)``/``oob_attrs(...)``, ``has_route(name)``, ``layout``
(the name of the base template every framework page extends, from the ``web.layout``
setting), plus whatever extensions register (the security extension adds
``csrf_token()``, ``csp_nonce()``...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from starlette.requests import HTTPConnection, Request
from starlette.routing import NoMatchFound

from shipyard.core.services import Service
from shipyard.web.htmx.oob import oob, oob_attrs
from shipyard.web.static import get_static_files
from shipyard.web.viewer import current_user

if TYPE_CHECKING:
    from fastapi import FastAPI

FRAMEWORK_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""The framework's own templates (layouts, error pages, form macros)."""

DEFAULT_LAYOUT = "layouts/base.html"
"""The layout framework pages extend when the app has no settings naming its own."""

ContextProcessor = Callable[[Request], Mapping[str, Any]]


class _AppLoader(BaseLoader):
    """A ChoiceLoader over the app's template directories as they are *now*.

    Directories added after the first render are picked up: the chain is rebuilt
    whenever ``app.template_dirs`` changes.
    """

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._key: tuple[Path, ...] = ()
        self._chain = ChoiceLoader([])

    def _current(self) -> ChoiceLoader:
        dirs: list[Path] = list(getattr(self._app, "template_dirs", ()))
        key = (*dirs, FRAMEWORK_TEMPLATES)
        if key != self._key:
            self._chain = ChoiceLoader([FileSystemLoader(path) for path in key])
            self._key = key
        return self._chain

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        return self._current().get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self._current().list_templates()


@pass_context
def _url_for(context: Context, name: str, /, **path_params: Any) -> str:
    """The path of the route called ``name`` (with the ASGI root path), not a full URL."""
    request: Request = context["request"]
    path = request.app.url_path_for(name, **path_params)
    return str(request.scope.get("root_path", "")) + str(path)


def _static_url(app: FastAPI) -> Callable[..., str]:
    @pass_context
    def static_url(context: Context, path: str) -> str:
        """The cache-busting URL of a static file (``?v=<content hash>``)."""
        request = context.get("request")
        root_path = str(request.scope.get("root_path", "")) if request is not None else ""
        return get_static_files(app).url(path, root_path)

    return static_url


def _has_route(app: FastAPI) -> Callable[[str], bool]:
    def has_route(name: str) -> bool:
        """True if the app has a route called ``name`` without path parameters (say, to
        link to pages an extension may or may not mount)."""
        try:
            app.url_path_for(name)
        except NoMatchFound:
            return False
        return True

    return has_route


class Templates:
    """The Jinja environment of one app plus its context processors."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.context_processors: list[ContextProcessor] = []
        self.env = Environment(
            loader=_AppLoader(app),
            autoescape=select_autoescape(
                enabled_extensions=("html", "htm", "xml", "svg", "jinja", "jinja2", "j2"),
                default_for_string=True,
            ),
            auto_reload=self._auto_reload(),
        )
        self.env.globals.update(
            url_for=_url_for,
            static_url=_static_url(app),
            oob=oob,
            oob_attrs=oob_attrs,
            has_route=_has_route(app),
            layout=self._layout(),
        )

    def _layout(self) -> str:
        settings = getattr(self.app, "settings", None)
        return DEFAULT_LAYOUT if settings is None else str(settings.web.layout)

    def _auto_reload(self) -> bool:
        settings = getattr(self.app, "settings", None)
        if settings is None:
            return True
        configured: bool | None = settings.web.templates_auto_reload
        return settings.profile == "development" if configured is None else configured

    def context(self, request: Request, extra: Mapping[str, Any] | None) -> dict[str, Any]:
        """The render context: ``request``, ``current_user`` (the user whose identity was
        resolved for the request, see :mod:`shipyard.web.viewer`, or None), every
        processor's values, then ``extra``."""
        values: dict[str, Any] = {"request": request, "current_user": current_user(request)}
        for processor in self.context_processors:
            values.update(processor(request))
        if extra:
            values.update(extra)
        return values


TEMPLATES = Service("templates", Templates, "template environment")
"""The app's :class:`Templates`, made on first use."""


def get_templates(app: FastAPI) -> Templates:
    """The app's :class:`Templates`, created on first use."""
    return TEMPLATES.get_or_create(app, lambda: Templates(app))


def register_template_global(app: FastAPI, name: str, value: Any) -> None:
    """Make ``value`` available as ``name`` in every template of ``app``."""
    get_templates(app).env.globals[name] = value


def register_template_filter(app: FastAPI, name: str, function: Callable[..., Any]) -> None:
    """Make ``function`` available as the ``|name`` filter in every template of ``app``."""
    get_templates(app).env.filters[name] = function


def register_context_processor(app: FastAPI, processor: ContextProcessor) -> None:
    """Call ``processor(request)`` at each render and merge the mapping it returns."""
    get_templates(app).context_processors.append(processor)


def _request_templates(connection: HTTPConnection) -> Templates:
    return get_templates(connection.app)


TemplatesDep = Annotated[Templates, Depends(_request_templates)]
"""The :class:`Templates` of the app serving the request, as a dependency."""
