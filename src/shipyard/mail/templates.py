"""The Jinja2 environment mail is rendered with, and the text part derived from HTML.

Mail templates live with the app's page templates (``app.template_dirs`` first, then the
framework's ``shipyard/templates``), so an app overrides a framework mail by putting a
file of the same name in its own folder. HTML and MJML templates are autoescaped; ``.txt``
templates are not (they are plain text). Mail is rendered outside any request, so the
globals are request-free: ``url(name, **params)`` gives an absolute URL under
``app.base_url`` and ``app_name`` the app's name.

:func:`html_to_text` turns an HTML body into a readable text part with inscriptis (layout
tables become text, links keep their URL), for mail that has no text template.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)

from shipyard.core.services import Service
from shipyard.core.urls import absolute_url_for

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

FRAMEWORK_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""The framework's templates folder (its mail templates are under ``mail/``)."""


def html_to_text(html: str) -> str:
    """A plain-text rendering of ``html``: block structure kept, links as ``[text](url)``.

    Each paragraph loses the indentation the layout tables around it gave it (mail HTML
    nests tables for layout), keeping the relative indentation of its lines (lists).
    """
    # imported here: inscriptis brings lxml (~40 ms), which an app pays only once it mails
    from inscriptis import get_text  # type: ignore[import-untyped]
    from inscriptis.model.config import ParserConfig  # type: ignore[import-untyped]

    rendered = get_text(html, ParserConfig(display_links=True))
    paragraphs = re.split(r"\n\s*\n", "\n".join(line.rstrip() for line in rendered.splitlines()))
    kept = [dedent(paragraph).strip("\n") for paragraph in paragraphs]
    return "\n\n".join(paragraph for paragraph in kept if paragraph.strip()) + "\n"


class MailTemplates:
    """One app's mail environment; the loader follows ``app.template_dirs`` as they change."""

    def __init__(self, app: AppBase) -> None:
        self.app = app
        self._dirs: tuple[Path, ...] = ()
        self._strings: dict[str, Template] = {}
        self.env = Environment(
            loader=ChoiceLoader([]),
            autoescape=select_autoescape(
                enabled_extensions=("html", "htm", "xml", "mjml"), default_for_string=False
            ),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            auto_reload=True,
        )
        self.env.globals.update(url=self._url, app_name=app.settings.app.name)

    def _url(self, name: str, /, **params: Any) -> str:
        return absolute_url_for(self.app, name, **params)

    def from_string(self, source: str) -> Template:
        """``source`` compiled as a template of this environment, once per source (a
        mail's subject is compiled at its first render, not at every one)."""
        found = self._strings.get(source)
        if found is None:
            if len(self._strings) >= 1000:  # subjects are class attributes: few
                self._strings.clear()
            found = self._strings[source] = self.env.from_string(source)
        return found

    def environment(self) -> Environment:
        """The environment, its loader brought up to date with ``app.template_dirs``."""
        dirs = (*getattr(self.app, "template_dirs", ()), FRAMEWORK_TEMPLATES)
        if dirs != self._dirs:
            self.env.loader = ChoiceLoader([FileSystemLoader(path) for path in dirs])
            self._dirs = dirs
        return self.env


MAIL_TEMPLATES = Service("mail_templates", MailTemplates, "mail template environment")
"""The app's :class:`MailTemplates`, made on first use."""


def mail_templates(app: AppBase) -> MailTemplates:
    """The app's :class:`MailTemplates`, its loader up to date."""
    templates = MAIL_TEMPLATES.get_or_create(app, lambda: MailTemplates(app))
    templates.environment()
    return templates


def mail_environment(app: AppBase) -> Environment:
    """The Jinja environment the app's mail is rendered with."""
    return mail_templates(app).env
