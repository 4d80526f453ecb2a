"""``shipyard scaffold`` and ``shipyard destroy``: add a resource to a project, or take it out.

``scaffold crud Post title:string body:text`` writes the feature package, templates,
factory, tests and migration and registers the routers; ``--dry-run`` shows the files and
the diff of each edit instead. ``destroy crud Post`` removes the generated files that are
unchanged, undoes the registration and removes the migration when nothing builds on it.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404  # runs the project's own `shipyard db` commands
import sys
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from shipyard.cli.errors import handle_errors
from shipyard.errors import ShipyardError
from shipyard.scaffold.deployment.targets import (
    TARGET_NAMES,
    deployment_notes,
    deployment_plan,
)
from shipyard.scaffold.fields import KINDS, MODIFIERS
from shipyard.scaffold.mails import mail_plan
from shipyard.scaffold.oauth2.plan import next_steps, oauth2_plan
from shipyard.scaffold.plan import Plan
from shipyard.scaffold.resources import (
    Kind,
    ResourceGenerator,
    job_plan,
    page_plan,
    policy_plan,
)

FIELDS_HELP = (
    f"Fields as name:type[:argument...][:modifier...]. Types: {', '.join(KINDS)}. "
    f"Modifiers: {', '.join(MODIFIERS)}."
)
console = Console(highlight=False)

scaffold = typer.Typer(
    name="scaffold",
    help="Generate a resource (model, pages, API, tests, migration) in this project."
    "\n\nExample: shipyard scaffold crud Post title:string body:text published:boolean",
    no_args_is_help=True,
    rich_markup_mode=None,
)
destroy = typer.Typer(
    name="destroy",
    help="Remove what `shipyard scaffold` generated (unchanged files and the registrations)."
    "\n\nExample: shipyard destroy crud Post",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ModelArgument = Annotated[str, typer.Argument(help="The model class name, e.g. Post or BlogPost.")]
FieldsArgument = Annotated[list[str] | None, typer.Argument(help=FIELDS_HELP, show_default=False)]
DirectoryOption = Annotated[
    Path, typer.Option("--directory", "-d", help="The project's folder (default: here).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show the files and the edits' diff; write nothing.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite files that exist with other content.")
]
PluralOption = Annotated[
    str | None, typer.Option("--plural", help="The table/package name (default: English plural).")
]
MigrationOption = Annotated[
    bool,
    typer.Option(
        "--migration/--no-migration", help="Write the Alembic migration for the new table."
    ),
]


def register(cli: typer.Typer) -> None:
    """Add the ``scaffold`` and ``destroy`` groups to the root command."""
    cli.add_typer(scaffold, name="scaffold")
    cli.add_typer(destroy, name="destroy")


def _say(line: str) -> None:
    console.print(escape(line))


def _write_plan(plan: Plan, what: str, *, dry_run: bool, force: bool) -> bool:
    """Apply ``plan`` (``what``: ``crud Post``), or describe it; whether it was applied."""
    if dry_run:
        _say(f"shipyard scaffold {what} would change {len(plan.changes)} files:")
        plan.describe(_say)
        return False
    _say(f"scaffolding {what} in {plan.root}")
    plan.apply(force=force, report=_say)
    return True


def _generate(
    kind: Kind,
    model: str,
    fields: list[str] | None,
    directory: Path,
    *,
    dry_run: bool,
    force: bool,
    plural: str | None,
    migration: bool,
) -> None:
    root = directory.resolve()
    generator = ResourceGenerator(root, model, fields or [], plural=plural)
    if not _write_plan(generator.plan(kind), f"{kind} {model}", dry_run=dry_run, force=force):
        return
    if migration:
        _write_migration(root, f"create {generator.names.plural}")
    _say(f"done: run `pytest tests/{generator.names.plural}`")


def _write_migration(root: Path, message: str) -> None:
    """Autogenerate the revision against a scratch SQLite database at the current head."""
    versions = root / "migrations" / "versions"
    if not (root / "migrations" / "env.py").is_file():
        _say("  no migrations/ folder: skipping the migration (create it with shipyard db init)")
        return
    before = set(versions.glob("*.py"))
    with tempfile.TemporaryDirectory(prefix="shipyard-scaffold-") as scratch:
        environment = {
            **os.environ,
            "SHIPYARD_DATABASE__URL": f"sqlite+aiosqlite:///{Path(scratch) / 'scaffold.db'}",
        }
        with console.status("writing the migration (comparing models with the migrations)..."):
            for arguments in (["upgrade"], ["revision", "--autogenerate", "-m", message]):
                result = subprocess.run(  # noqa: S603  # nosec B603  # our own CLI
                    [sys.executable, "-m", "shipyard.cli.main", "db", *arguments],
                    cwd=root,
                    env=environment,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if result.returncode != 0:
                    raise ShipyardError(
                        f"the migration could not be generated: {result.stderr.strip()}",
                        hint="fix the model, then run "
                        f'shipyard db revision --autogenerate -m "{message}"',
                    )
    written = sorted(set(versions.glob("*.py")) - before)
    if not written:
        _say("  same   migrations (the models match them already)")
    for path in written:
        _say(f"  create {path.relative_to(root)}")


def _remove(kind: Kind, model: str, directory: Path, plural: str | None, fields: list[str]) -> None:
    root = directory.resolve()
    generator = ResourceGenerator(root, model, fields, plural=plural)
    generator.refuse_if_referenced()
    plan: Plan = generator.plan(kind, remove=True)
    _say(f"destroying {kind} {model} in {root}")
    plan.destroy(_say)
    _remove_migration(root, generator.names.plural)


def _remove_migration(root: Path, plural: str) -> None:
    """Remove ``create <plural>``'s migration when no later revision builds on it."""
    versions = root / "migrations" / "versions"
    scripts = {path: path.read_text(encoding="utf-8") for path in sorted(versions.glob("*.py"))}
    for path in scripts:
        if not path.name.endswith(f"_create_{plural}.py"):
            continue
        revision = path.name.split("_")[1]
        if any(revision in other for other_path, other in scripts.items() if other_path != path):
            _say(f"  keep   {path.relative_to(root)} (later migrations build on it)")
            continue
        path.unlink()
        _say(f"  remove {path.relative_to(root)} (downgrade databases that applied it first)")


@dataclass(frozen=True)
class ResourceCommand:
    """The help of ``scaffold <kind>`` and ``destroy <kind>`` for one resource kind."""

    summary: str
    example: str
    destroy_summary: str
    destroy_example: str


RESOURCE_COMMANDS: dict[Kind, ResourceCommand] = {
    "crud": ResourceCommand(
        "A whole resource: model, htmx pages, JSON API, factory, tests and migration.",
        "shipyard scaffold crud Post title:string:120 body:text author:references:User",
        "Remove a scaffolded crud resource: pass the same fields to remove unchanged files.",
        "shipyard destroy crud Post",
    ),
    "api": ResourceCommand(
        "A JSON-only resource: model, schemas, API resource, factory, tests and migration.",
        "shipyard scaffold api Product name:string price:decimal:10:2",
        "Remove a scaffolded API resource (files unchanged since, and its registration).",
        "shipyard destroy api Product name:string",
    ),
    "model": ResourceCommand(
        "A model with its factory and migration (no pages, no API).",
        "shipyard scaffold model Tag name:string:40:unique",
        "Remove a scaffolded model (files unchanged since, and its registration).",
        "shipyard destroy model Tag name:string",
    ),
}


def _resource_commands(kind: Kind, command: ResourceCommand) -> None:
    """Add ``scaffold <kind>`` and ``destroy <kind>``."""

    def generate(
        model: ModelArgument,
        fields: FieldsArgument = None,
        directory: DirectoryOption = Path(),
        dry_run: DryRunOption = False,
        force: ForceOption = False,
        plural: PluralOption = None,
        migration: MigrationOption = True,
    ) -> None:
        _generate(
            kind,
            model,
            fields,
            directory,
            dry_run=dry_run,
            force=force,
            plural=plural,
            migration=migration,
        )

    def remove(
        model: ModelArgument,
        fields: FieldsArgument = None,
        directory: DirectoryOption = Path(),
        plural: PluralOption = None,
    ) -> None:
        _remove(kind, model, directory, plural, fields or [])

    generate.__doc__ = command.summary
    remove.__doc__ = command.destroy_summary
    scaffold.command(kind, epilog=f"Example: {command.example}")(handle_errors(generate))
    destroy.command(kind, epilog=f"Example: {command.destroy_example}")(handle_errors(remove))


for _kind, _command in RESOURCE_COMMANDS.items():
    _resource_commands(_kind, _command)


NameArgument = Annotated[str, typer.Argument(help="The class or page name in CamelCase.")]
JobFieldsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="The job's arguments as name:type[:optional][:default=<value>] "
        "(string, text, integer, bigint, boolean, float, double).",
        show_default=False,
    ),
]


@scaffold.command("job", epilog="Example: shipyard scaffold job SendDigest user_id:integer")
@handle_errors
def job(
    name: NameArgument,
    fields: JobFieldsArgument = None,
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """A typed background job in app/jobs.py and a test that runs it."""
    plan = job_plan(directory.resolve(), name, fields or [])
    _write_plan(plan, f"job {name}", dry_run=dry_run, force=force)


@scaffold.command("mail", epilog="Example: shipyard scaffold mail Welcome")
@handle_errors
def mail(
    name: NameArgument,
    jinja: Annotated[
        bool,
        typer.Option(
            "--jinja",
            help="Write a plain Jinja2 HTML template (mail/<name>.html) instead of MJML.",
        ),
    ] = False,
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """A mail class in app/mails.py, its template (MJML, or --jinja for HTML), a preview()
    for /_shipyard/mail and a test that renders and sends it."""
    plan = mail_plan(directory.resolve(), name, jinja=jinja)
    _write_plan(plan, f"mail {name}", dry_run=dry_run, force=force)


@scaffold.command("page", epilog="Example: shipyard scaffold page About")
@handle_errors
def page(
    name: NameArgument,
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """A page in the app's layout (route, template, test and a navigation link)."""
    plan = page_plan(directory.resolve(), name)
    _write_plan(plan, f"page {name}", dry_run=dry_run, force=force)


@scaffold.command("policy", epilog="Example: shipyard scaffold policy Post")
@handle_errors
def policy(
    name: NameArgument,
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """An authorization policy for a model of the project (app/<package>/policy.py): owner
    rules when the model references User, else signed-in users (docs/policies.md)."""
    plan = policy_plan(directory.resolve(), name)
    _write_plan(plan, f"policy {name}", dry_run=dry_run, force=force)


class ProviderChoice(StrEnum):
    """The provider kinds ``scaffold oauth2`` knows."""

    github = "github"
    google = "google"
    microsoft = "microsoft"
    oidc = "oidc"


@scaffold.command(
    "oauth2",
    epilog="Example: shipyard scaffold oauth2 github (then read docs/oauth.md)",
)
@handle_errors
def oauth2(
    kind: Annotated[ProviderChoice, typer.Argument(help="github, google, microsoft or oidc.")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="The provider's name in settings and URLs (default: kind)."),
    ] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="The site's URL, for the callback URL printed.")
    ] = "http://127.0.0.1:8000",
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """Sign-in with a provider: OAuthExtension in app/main.py, its settings block (secret
    from an environment variable), a test; prints where to create the client and the
    callback URL to register (docs/oauth.md)."""
    plan = oauth2_plan(directory.resolve(), kind.value, name)
    if not _write_plan(plan, f"oauth2 {kind.value}", dry_run=dry_run, force=force):
        return
    _say("next steps:")
    for number, step in enumerate(next_steps(kind.value, name, base_url.rstrip("/")), 1):
        _say(f"  {number}. {step}")


@destroy.command("job", epilog="Example: shipyard destroy job SendDigest user_id:integer")
@handle_errors
def destroy_job(
    name: NameArgument, fields: JobFieldsArgument = None, directory: DirectoryOption = Path()
) -> None:
    """Remove a scaffolded job: its class in app/jobs.py and its test (if unchanged)."""
    plan = job_plan(directory.resolve(), name, fields or [], remove=True)
    _say(f"destroying job {name} in {plan.root}")
    plan.destroy(_say)


@destroy.command("page", epilog="Example: shipyard destroy page About")
@handle_errors
def destroy_page(name: NameArgument, directory: DirectoryOption = Path()) -> None:
    """Remove a scaffolded page: its files (if unchanged), route and navigation link."""
    plan = page_plan(directory.resolve(), name, remove=True)
    _say(f"destroying page {name} in {plan.root}")
    plan.destroy(_say)


class DeploymentChoice(StrEnum):
    """What ``scaffold deployment`` writes: one target, or ``all`` of them."""

    docker = "docker"
    compose = "compose"
    kubernetes = "kubernetes"
    systemd = "systemd"
    proxy = "proxy"
    monitoring = "monitoring"
    all = "all"


@scaffold.command(
    "deployment",
    epilog="Example: shipyard scaffold deployment all (then read docs/deployment.md)",
)
@handle_errors
def deployment(
    target: Annotated[
        DeploymentChoice,
        typer.Argument(
            help="docker (Dockerfile, .dockerignore), compose (compose.yaml), kubernetes "
            "(deploy/kubernetes/), systemd (deploy/systemd/), proxy (deploy/nginx/), "
            "monitoring (deploy/prometheus/, deploy/grafana/) or all."
        ),
    ],
    directory: DirectoryOption = Path(),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """Deployment files that fit the app's production settings.

    The database (PostgreSQL or SQLite), what Redis backs (sessions, jobs, rate limits,
    token denylist), the jobs worker, the port, health and metrics paths, shutdown
    timeouts, body limit and trusted proxies come from the production profile.
    """
    targets = tuple(name for name in TARGET_NAMES if target.value in (name, "all"))
    plan, profile = deployment_plan(directory.resolve(), targets)
    if _write_plan(plan, f"deployment {target.value}", dry_run=dry_run, force=force):
        for note in deployment_notes(profile, targets):
            _say(f"note: {note}")
