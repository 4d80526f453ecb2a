"""The plan of ``scaffold oauth2`` and the set-up steps it prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shipyard.errors import ShipyardError
from shipyard.scaffold.edits import import_line
from shipyard.scaffold.plan import Plan

Kind = Literal["github", "google", "microsoft", "oidc"]
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
AUTH_LINE = re.compile(r"^(?P<indent>\s*)AuthExtension\([^)]*\),\n", re.MULTILINE)
IMPORT = "from shipyard.auth.oauth import OAuthExtension"
CALLBACK = "{base}/auth/oauth/{name}/callback"
CONSOLES = {
    "github": "GitHub > Settings > Developer settings > OAuth Apps > New OAuth App "
    "(https://github.com/settings/applications/new)",
    "google": "Google Cloud console > APIs & Services > Credentials > Create credentials > "
    "OAuth client ID, type Web application (https://console.cloud.google.com/apis/credentials)",
    "microsoft": "Microsoft Entra admin center > App registrations > New registration, "
    "platform Web (https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps)",
    "oidc": "your OpenID provider's client (application) registration page",
}


TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    # Renders TOML and Python source, not HTML, so autoescaping would corrupt it.
    return Environment(  # noqa: S701  # nosec B701
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def secret_variable(name: str) -> str:
    """The environment variable the client secret is read from."""
    return f"{name.upper().replace('-', '_')}_CLIENT_SECRET"


def oauth2_plan(root: Path, kind: Kind, name: str | None = None) -> Plan:
    """The changes that offer sign-in with ``kind`` (as provider ``name``) in the project."""
    provider = name or kind
    if not NAME.fullmatch(provider):
        raise ShipyardError(
            f"provider name {provider!r} is not lower-case letters, digits, - and _",
            hint="pass --name github-work (it is part of the callback URL)",
        )
    main = root / "app" / "main.py"
    if not main.is_file() or "AuthExtension(" not in main.read_text(encoding="utf-8"):
        raise ShipyardError(
            "app/main.py has no AuthExtension: sign-in with a provider needs the accounts",
            hint="run it in a project made by `shipyard new` with accounts (the default)",
        )
    settings = (root / "config" / "settings.toml").read_text(encoding="utf-8")
    if f"[oauth.providers.{provider}]" in settings:
        raise ShipyardError(
            f"config/settings.toml already configures the provider {provider!r}",
            hint="pass --name to add another one of the same kind",
        )
    environment = _environment()
    context = {"kind": kind, "name": provider, "variable": secret_variable(provider)}
    plan = Plan(root)
    plan.edit("app/main.py", _with_extension)
    block = environment.get_template("oauth2/settings.toml.jinja").render(context)
    plan.edit("config/settings.toml", lambda text: text.rstrip("\n") + "\n\n" + block)
    stand_in = environment.get_template("oauth2/settings.test.toml.jinja").render(context)
    plan.edit("config/settings.test.toml", lambda text: text.rstrip("\n") + "\n\n" + stand_in)
    test = environment.get_template("oauth2/test_oauth.py.jinja").render(context)
    plan.create(f"tests/test_oauth_{provider.replace('-', '_')}.py", test)
    return plan


def _with_extension(text: str) -> str:
    if "OAuthExtension(" in text:
        return text
    found = AUTH_LINE.search(text)
    if found is None:
        raise ShipyardError(
            "could not find `AuthExtension(...),` in app/main.py's extensions list",
            hint="add OAuthExtension() to App(extensions=[...]) by hand",
        )
    line = f"{found.group('indent')}OAuthExtension(),\n"
    return import_line(text[: found.end()] + line + text[found.end() :], IMPORT)


def next_steps(kind: Kind, name: str | None, base_url: str) -> list[str]:
    """What to do at the provider, and how to give the app the secret."""
    provider = name or kind
    steps = [
        f"create the client at {CONSOLES[kind]}",
        f"register this callback (redirect) URL: {CALLBACK.format(base=base_url, name=provider)}"
        " (and your production URL's)",
        f"put its client id in config/settings.toml [oauth.providers.{provider}] client_id",
        f"export {secret_variable(provider)}=<the client secret> (never commit it)",
    ]
    if kind == "oidc":
        steps.insert(3, "set discovery_url to the provider's /.well-known/openid-configuration")
    if kind == "microsoft":
        steps.insert(3, "set tenant to your directory (common: any Microsoft account)")
    steps.append("run `shipyard db upgrade` (the linked-identities table)")
    return steps
