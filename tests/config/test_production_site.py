"""What production needs before it starts: a canonical https URL, explicit hosts, real mail.

The production profile refuses to load (so ``shipyard run`` and ``App()`` refuse to
start) with console mail, which would print reset and verification tokens into the
server log, with no or a plain-http ``app.base_url``, and with ``allowed_hosts = ["*"]``;
``shipyard check --deploy`` reports the same rules as ``core.E003``-``core.E005``.
The showcase's and the scaffold's production profiles start once the two secrets and the
base URL are in the environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.config.conftest import Project

from shipyard import App, Settings
from shipyard.config import ConfigError
from shipyard.core.checks import run_checks
from shipyard.errors import ShipyardError
from shipyard.mail import MAILER, MemoryMailer, get_mailer
from shipyard.scaffold.generator import render_project

SECRETS = {"SHIPYARD_APP__SECRET_KEY": "k" * 40}
BASE = {**SECRETS, "SHIPYARD_APP__BASE_URL": "https://shop.example"}
SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"


def refusals(project: Project, environ: dict[str, str]) -> dict[str, str]:
    """The production problems of ``project`` under ``environ``, by key."""
    with pytest.raises(ConfigError) as refused:
        project.load("production", environ=environ)
    return {problem.key or "": problem.message for problem in refused.value.problems}


def test_console_mail_is_refused_in_production_naming_the_fix(project: Project) -> None:
    problems = refusals(project, BASE)
    assert list(problems) == ["mail.backend"]
    message = problems["mail.backend"]
    assert "server log" in message
    assert 'mail.backend = "smtp"' in message
    assert '"custom"' in message
    assert "MAILER.provide(app, mailer)" in message
    assert '"file"' in message
    memory = refusals(project, {**BASE, "SHIPYARD_MAIL__BACKEND": "memory"})
    assert "never delivers" in memory["mail.backend"]


def test_the_production_profile_does_not_start_with_console_mail(project: Project) -> None:
    project.write("config/settings.production.toml", '[mail]\nbackend = "console"\n')
    with pytest.raises(ConfigError) as refused:
        App(root=project.root, profile="production")
    assert "config/settings.production.toml:2: mail.backend" in str(refused.value)


@pytest.mark.parametrize("backend", ["file", "custom"])
def test_file_and_custom_mail_start_in_production(project: Project, backend: str) -> None:
    loaded = project.load("production", environ={**BASE, "SHIPYARD_MAIL__BACKEND": backend})
    assert loaded.settings.mail.backend == backend


def test_custom_mail_without_a_mailer_is_an_error_naming_the_fix(tmp_path: Path) -> None:
    app = App(settings=Settings(profile="test", mail={"backend": "custom"}), root=tmp_path)
    with pytest.raises(ShipyardError, match="provided no mailer") as refused:
        get_mailer(app)
    assert "MAILER.provide(app, mailer)" in str(refused.value.hint)
    mailer = MemoryMailer(app.settings.mail)
    MAILER.provide(app, mailer)
    assert get_mailer(app) is mailer


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "is not set"),
        ({"SHIPYARD_APP__BASE_URL": "http://shop.example"}, "not https"),
    ],
)
def test_production_needs_an_https_base_url(
    project: Project, environ: dict[str, str], expected: str
) -> None:
    problems = refusals(project, {**SECRETS, "SHIPYARD_MAIL__BACKEND": "file", **environ})
    assert expected in problems["app.base_url"]
    assert "SHIPYARD_APP__BASE_URL" in problems["app.base_url"]


def test_production_refuses_any_host_and_no_host(project: Project) -> None:
    project.write("config/settings.production.toml", '[app]\nallowed_hosts = ["*"]\n')
    environ = {**BASE, "SHIPYARD_MAIL__BACKEND": "file"}
    problems = refusals(project, environ)
    assert list(problems) == ["app.allowed_hosts"]
    assert '"*"' in problems["app.allowed_hosts"]
    project.write("config/settings.production.toml", "[app]\nallowed_hosts = []\n")
    del environ["SHIPYARD_APP__BASE_URL"]
    assert "is empty" in refusals(project, environ)["app.allowed_hosts"]


def test_explicit_hosts_or_the_base_url_host_are_enough(project: Project) -> None:
    environ = {**BASE, "SHIPYARD_MAIL__BACKEND": "file"}
    assert project.load("production", environ=environ).settings.app.allowed_hosts == []
    environ["SHIPYARD_APP__ALLOWED_HOSTS"] = '["shop.example", ".shop.example"]'
    loaded = project.load("production", environ=environ)
    assert loaded.settings.app.allowed_hosts == ["shop.example", ".shop.example"]


def test_deploy_checks_report_the_rules_with_stable_ids(tmp_path: Path) -> None:
    app = App(settings=Settings(app={"allowed_hosts": ["*"]}), root=tmp_path)
    found = {finding.id: finding for finding in run_checks(app, deploy=True)}
    for rule, key in (
        ("core.E003", "app.base_url"),
        ("core.E004", "app.allowed_hosts"),
        ("core.E005", "mail.backend"),
    ):
        assert found[rule].level == "error"
        assert found[rule].message.startswith(f"{key}: ")
    ready = App(
        settings=Settings(app={"base_url": "https://shop.example"}, mail={"backend": "file"}),
        root=tmp_path,
    )
    ids = {finding.id for finding in run_checks(ready, deploy=True)}
    assert not ids & {"core.E003", "core.E004", "core.E005"}


def test_the_showcase_production_profile_needs_only_the_environment(project: Project) -> None:
    showcase = Project.__new__(Project)
    showcase.root = SHOWCASE
    assert list(refusals(showcase, SECRETS)) == ["app.base_url", "app.allowed_hosts"]
    loaded = showcase.load("production", environ=BASE)
    assert loaded.settings.mail.backend == "file"
    assert loaded.settings.app.base_url == "https://shop.example"


def test_the_scaffold_production_profile_needs_only_the_environment(tmp_path: Path) -> None:
    render_project("harbour", tmp_path / "harbour")
    scaffold = Project.__new__(Project)
    scaffold.root = tmp_path / "harbour"
    assert list(refusals(scaffold, SECRETS)) == ["app.base_url", "app.allowed_hosts"]
    loaded = scaffold.load("production", environ=BASE)
    assert loaded.settings.mail.backend == "file"
