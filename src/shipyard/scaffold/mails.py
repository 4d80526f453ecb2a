"""``shipyard scaffold mail Welcome``: a mail class, its template, a preview and a test.

The class goes in ``app/mails.py`` (made on first use, and imported by ``app/main.py`` so
workers and the previewer know it), its template in ``app/templates/mail/<name>.mjml``
(MJML, compiled to responsive HTML) or, with ``jinja=True``, ``.html`` (plain Jinja2
HTML), and its test in ``tests/test_<name>_mail.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from shipyard.errors import ShipyardError
from shipyard.scaffold.code import snake_words
from shipyard.scaffold.edits import top_level_class
from shipyard.scaffold.names import resource_names, snake_case
from shipyard.scaffold.plan import Plan
from shipyard.scaffold.resources import _check_project, _environment

MAILS = "app/mails.py"
MAIN = "app/main.py"
MAILS_IMPORT = "from app import mails  # noqa: F401  (registers mail classes for workers)"


def import_mails(text: str) -> str:
    """``app/main.py`` importing ``app.mails`` (after its jobs import); unchanged if it does."""
    if re.search(r"^from app import (.*\b)?mails\b", text, re.MULTILINE):
        return text
    anchor = re.search(r"^from app(\.routes)? import .*$", text, re.MULTILINE)
    if anchor is None:
        raise ShipyardError(
            f"{MAIN} has no `from app import ...` line to put the mails import after",
            hint=f"add `{MAILS_IMPORT}` to {MAIN} yourself",
        )
    return text[: anchor.start()] + MAILS_IMPORT + "\n" + text[anchor.start() :]


def mail_plan(root: Path, name: str, *, jinja: bool = False) -> Plan:
    """The files of mail ``name`` (``Welcome`` -> ``WelcomeMail``) in the project at ``root``."""
    _check_project(root)
    base = name.removesuffix("Mail") or name
    names = resource_names(base, plural=f"{snake_case(base)}_mails")
    module = snake_case(names.model)
    cls = f"{names.model}Mail"
    extension = "html" if jinja else "mjml"
    context = {
        "name": cls,
        "module": f"{module}_mail",
        "title": snake_words(base).capitalize(),
        "template": f"mail/{module}",
        "extension": extension,
    }
    env = _environment()
    plan = Plan(root)
    body = env.get_template("mail/mail.py.jinja").render(context)
    if (root / MAILS).is_file():
        plan.edit(MAILS, lambda text: top_level_class(text, cls, body))
    else:
        header = env.get_template("mail/mails.py.jinja").render(context)
        plan.create(MAILS, header + body)
    template = env.get_template(f"mail/mail.{extension}").render(context)
    plan.create(f"app/templates/mail/{module}.{extension}", template)
    test = env.get_template("mail/test_mail.py.jinja").render(context)
    plan.create(f"tests/test_{module}_mail.py", test)
    plan.edit(MAIN, import_mails)
    return plan
