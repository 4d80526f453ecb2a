"""The files of each deployment target, rendered from ``templates/`` into a Plan.

Each target lists ``(template, path)`` pairs; a path may use ``{slug}`` (the project's
name as a DNS label). ``all`` is every target. Templates see the
:class:`~shipyard.scaffold.deployment.profile.DeployProfile` as ``p``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, get_args

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shipyard.scaffold.deployment.dashboard import grafana_dashboard
from shipyard.scaffold.deployment.profile import DeployProfile, read_profile
from shipyard.scaffold.plan import Plan

Target = Literal["docker", "compose", "kubernetes", "systemd", "proxy", "monitoring"]
TARGET_NAMES: tuple[Target, ...] = get_args(Target)
TEMPLATES = Path(__file__).parent / "templates"
ENV_FILE = "deploy/production.env"
"""Where the server's secrets go (git-ignored); ``deploy/production.env.example`` lists them."""

FILES: dict[Target, tuple[tuple[str, str], ...]] = {
    "docker": (
        ("Dockerfile.jinja", "Dockerfile"),
        ("dockerignore.jinja", ".dockerignore"),
        ("production.env.example.jinja", "deploy/production.env.example"),
    ),
    "compose": (
        ("compose.yaml.jinja", "compose.yaml"),
        ("production.env.example.jinja", "deploy/production.env.example"),
    ),
    "kubernetes": (
        ("kubernetes/configmap.yaml.jinja", "deploy/kubernetes/configmap.yaml"),
        ("kubernetes/web.yaml.jinja", "deploy/kubernetes/web.yaml"),
        ("kubernetes/worker.yaml.jinja", "deploy/kubernetes/worker.yaml"),
        ("kubernetes/service.yaml.jinja", "deploy/kubernetes/service.yaml"),
        ("kubernetes/ingress.yaml.jinja", "deploy/kubernetes/ingress.yaml"),
        ("kubernetes/hpa.yaml.jinja", "deploy/kubernetes/hpa.yaml"),
        ("kubernetes/pdb.yaml.jinja", "deploy/kubernetes/pdb.yaml"),
        ("kubernetes/migrate.yaml.jinja", "deploy/kubernetes/migrate.yaml"),
    ),
    "systemd": (
        ("systemd/web.service.jinja", "deploy/systemd/{slug}-web.service"),
        ("systemd/worker.service.jinja", "deploy/systemd/{slug}-worker.service"),
        ("systemd/migrate.service.jinja", "deploy/systemd/{slug}-migrate.service"),
        ("production.env.example.jinja", "deploy/production.env.example"),
    ),
    "proxy": (
        ("nginx.conf.jinja", "deploy/nginx/{slug}.conf"),
        ("Caddyfile.jinja", "deploy/caddy/Caddyfile"),
    ),
    "monitoring": (
        ("prometheus/prometheus.yml.jinja", "deploy/prometheus/prometheus.yml"),
        ("prometheus/alerts.yml.jinja", "deploy/prometheus/alerts.yml"),
        ("grafana-dashboard.json.jinja", "deploy/grafana/{slug}-dashboard.json"),
    ),
}


def deployment_plan(root: Path, targets: tuple[Target, ...]) -> tuple[Plan, DeployProfile]:
    """The files of ``targets`` for the project at ``root``, and the facts they rest on."""
    profile = read_profile(root)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701  # nosec B701  # YAML, INI and nginx files, not HTML
    )
    environment.filters["json"] = _json
    environment.globals["grafana_dashboard"] = grafana_dashboard
    plan = Plan(root)
    planned: set[str] = set()
    for target in targets:
        for template, path in FILES[target]:
            relative = path.format(slug=profile.slug)
            if relative in planned:
                continue
            planned.add(relative)
            text = environment.get_template(template).render(p=profile, env_file=ENV_FILE)
            if text.strip():  # a template may leave its file out (no jobs: no worker)
                plan.create(relative, text)
    if (root / ".gitignore").is_file():
        plan.edit(".gitignore", _ignore_env_file)
    return plan, profile


def _json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON (a JSON string is a safely quoted YAML string too)."""
    return json.dumps(value, indent=indent) + ("\n" if indent else "")


def _ignore_env_file(text: str) -> str:
    if ENV_FILE in text.splitlines():
        return text
    return f"{text.rstrip()}\n# The server's secrets (shipyard scaffold deployment)\n{ENV_FILE}\n"


def deployment_notes(profile: DeployProfile, targets: tuple[Target, ...]) -> list[str]:
    """What to do next, and what the settings leave to the operator."""
    notes = [
        f"copy deploy/production.env.example to {ENV_FILE} and fill in the secrets "
        "(docs/deployment.md)"
    ]
    if profile.database == "sqlite" and {"compose", "kubernetes"} & set(targets):
        notes.append(
            "the production database is SQLite: one machine only (Compose keeps it in the "
            "var volume; Kubernetes pods cannot share it): set SHIPYARD_DATABASE__URL to "
            "PostgreSQL for more"
        )
    if not profile.proxy_headers and "proxy" in targets:
        notes.append(
            "server.proxy_headers is off: the app will not see the client's address or "
            "https behind the proxy (the production profile of `shipyard new` turns it on)"
        )
    if profile.metrics and "monitoring" in targets:
        notes.append(
            "Prometheus sends SHIPYARD_METRICS__TOKEN's value, read from "
            f"/etc/prometheus/{profile.slug}-metrics-token"
        )
    return notes
