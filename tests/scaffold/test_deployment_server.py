"""The app starts exactly as the scaffolded systemd unit and Dockerfile start it.

A fresh `shipyard new` project gets its deployment files; the test reads the command
line and environment out of the unit (ExecStart, Environment, EnvironmentFile,
WorkingDirectory) and out of the Dockerfile (ENV, WORKDIR, CMD), runs the release step
(`shipyard db upgrade`) and then that command: the production profile under granian must
answer 200 on /ready, and its /metrics (with the token) must carry every metric the
Grafana dashboard and the alert rules query.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import trustme
import yaml
from tests.cli.support import run_shipyard
from tests.mail.smtp_server import free_port
from tests.scaffold.deployment_support import fake_venv, localised, tool
from tests.scaffold.support import new_project

pytestmark = pytest.mark.timeout(600)
TOKEN = "metrics-token-for-the-deployment-test"
HOST = {"Host": "example.com"}  # app.base_url's host: the only host production serves


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("served"))
    result = run_shipyard("scaffold", "deployment", "all", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    fake_venv(root)
    secrets = {
        "SHIPYARD_APP__SECRET_KEY": "s" * 48,
        "SHIPYARD_APP__BASE_URL": "https://example.com",
        "SHIPYARD_METRICS__TOKEN": TOKEN,
        "SHIPYARD_SERVER__WORKERS": "1",
    }
    (root / "deploy" / "production.env").write_text(
        "".join(f"{name}={value}\n" for name, value in secrets.items())
    )
    return root


Launch = tuple[list[str], list[str], dict[str, str], Path]
"""The server's command line, the migrations' command line, the environment, the folder."""


def _env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs if not name.startswith("#")}


def _unit(root: Path, name: str) -> dict[str, list[str]]:
    """The unit's settings by name (a name may repeat), /srv/blog made the project."""
    unit = (root / "deploy" / "systemd" / name).read_text().replace("/srv/blog", str(root))
    fields: dict[str, list[str]] = {}
    for line in unit.splitlines():
        name, _, value = line.partition("=")
        fields.setdefault(name, []).append(value)
    return fields


def systemd_command(root: Path) -> Launch:
    """ExecStart of the web and migrate units, their environment and working directory."""
    web, migrate = _unit(root, "blog-web.service"), _unit(root, "blog-migrate.service")
    for field in ("Environment", "EnvironmentFile", "WorkingDirectory", "User"):
        assert web[field] == migrate[field]  # the release step runs as the server does
    environment = dict(value.split("=", 1) for value in web["Environment"])
    environment |= _env_file(Path(web["EnvironmentFile"][0]))
    command, migration = (shlex.split(unit["ExecStart"][0]) for unit in (web, migrate))
    return command, migration, environment, Path(web["WorkingDirectory"][0])


def docker_command(root: Path) -> Launch:
    """The runtime stage's ENV and CMD, /opt/venv and /app mapped onto the project."""
    runtime = (root / "Dockerfile").read_text().split("AS runtime", 1)[1]
    runtime = runtime.replace("\\\n", " ")
    environment: dict[str, str] = {}
    command: list[str] = []
    for line in runtime.splitlines():
        if line.startswith("ENV "):
            for name, value in re.findall(r"(\w+)=(\S+)", line):
                environment[name] = value.replace("/opt/venv", str(root / ".venv")).replace(
                    "$PATH", os.environ["PATH"]
                )
        if line.startswith("CMD "):
            command = json.loads(line[4:])
        assert not line.startswith("WORKDIR ") or line == "WORKDIR /app"
    environment |= _env_file(root / "deploy" / "production.env")  # docker run --env-file
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    assert compose["services"]["migrate"]["image"] == compose["services"]["web"]["image"]
    return command, compose["services"]["migrate"]["command"], environment, root


def _base_environment() -> dict[str, str]:
    """What a bare service gets, plus PYTHONPATH so the test's shipyard is the one imported."""
    keep = ("PATH", "PYTHONPATH", "HOME", "LANG")
    return {name: os.environ[name] for name in keep if name in os.environ}


@contextlib.contextmanager
def serving(
    command: list[str], migration: list[str], environment: dict[str, str], cwd: Path
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    env = _base_environment() | environment | {"SHIPYARD_SERVER__PORT": str(port)}
    migrated = subprocess.run(  # the release step, with the same environment
        migration, cwd=cwd, env=env, capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    process = subprocess.Popen(  # the unit's or the image's own command line
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _ready(process: subprocess.Popen[str], port: int) -> httpx.Response:
    """/ready's answer once the server listens (fails with the server's output otherwise)."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/ready", headers=HOST, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _queried_metrics(root: Path) -> set[str]:
    dashboard = (root / "deploy" / "grafana" / "blog-dashboard.json").read_text()
    alerts = (root / "deploy" / "prometheus" / "alerts.yml").read_text()
    names = set(re.findall(r"\b(shipyard_[a-z_]+)", dashboard + alerts))
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}


@pytest.mark.parametrize("how", [systemd_command, docker_command], ids=["systemd", "docker"])
def test_the_deployed_command_line_serves_ready(
    project: Path, how: Callable[[Path], Launch]
) -> None:
    command, migration, environment, cwd = how(project)
    assert Path(command[0]).name == "shipyard"
    assert command[1:] == ["run"]
    assert environment["SHIPYARD_PROFILE"] == "production"
    with serving(command, migration, environment, cwd) as (process, port):
        ready = _ready(process, port)
        assert ready.status_code == 200, ready.text
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/metrics", headers=HOST).status_code == 404  # no token
        # Prometheus addresses the process by IP: Host is 127.0.0.1:<port>.
        scrape = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scrape.status_code == 200
        exposed = set(re.findall(r"^# TYPE (\S+)", scrape.text, re.MULTILINE))
        exposed |= {name.removesuffix("_total") for name in exposed}
        queried = _queried_metrics(project)
        assert queried, "the dashboard and alerts query no shipyard_* metric"
        assert queried - exposed - {name + "_total" for name in exposed} == set()
        for probe in health_probes(project, port):
            result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
            assert result.returncode == 0, f"{probe} failed: {result.stderr}"
    output = process.stdout.read() if process.stdout else ""
    assert "granian" in output.lower(), output


def health_probes(root: Path, port: int) -> list[list[str]]:
    """The Dockerfile's HEALTHCHECK and Compose's web healthcheck, aimed at ``port``."""
    dockerfile = (root / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK"))
    image: list[str] = json.loads(line.split(" CMD ", 1)[1])
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    service: list[str] = compose["services"]["web"]["healthcheck"]["test"][1:]  # after "CMD"
    for probe in (image, service):
        assert probe[0] == "python"  # /opt/venv/bin/python in the image: this interpreter here
    return [
        [sys.executable, *(part.replace(":8000/", f":{port}/") for part in probe[1:])]
        for probe in (image, service)
    ]


@contextlib.contextmanager
def nginx_in_front(root: Path, app_port: int, folder: Path) -> Iterator[tuple[int, str]]:
    """The scaffolded nginx site on free ports before the app; (HTTPS port, CA file)."""
    nginx = tool("nginx", "apt: nginx-light")
    authority = trustme.CA()
    certificate = authority.issue_cert("example.com", "127.0.0.1")
    certificate.cert_chain_pems[0].write_to_path(str(folder / "fullchain.pem"))
    certificate.private_key_pem.write_to_path(str(folder / "privkey.pem"))
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    tls_port, plain_port = free_port(), free_port()
    site = localised(
        (root / "deploy" / "nginx" / "blog.conf").read_text(),
        {
            "listen [::]:80;": "",
            "listen [::]:443 ssl http2;": "",
            "listen 80;": f"listen 127.0.0.1:{plain_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{tls_port} ssl http2;",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
            "/etc/letsencrypt/live/example.com": str(folder),
            "/var/cache/nginx/blog": str(folder / "cache"),
        },
    )
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(  # the test's own nginx
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield tls_port, str(folder / "ca.pem")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_nginx_site_serves_the_app_over_https(project: Path, tmp_path: Path) -> None:
    command, migration, environment, cwd = systemd_command(project)
    with (
        serving(command, migration, environment, cwd) as (process, port),
        nginx_in_front(project, port, tmp_path) as (tls_port, ca),
    ):
        assert _ready(process, port).status_code == 200
        base = f"https://127.0.0.1:{tls_port}"
        with httpx.Client(base_url=base, verify=ca_context(ca), headers=HOST) as client:
            ready = _through_proxy(client, "/ready")
            assert ready.status_code == 200, ready.text
            # The app believes the proxy: a redirect it builds is https, on the public host.
            redirect = client.get("/docs/", headers={"X-Forwarded-Proto": "http"})
            assert redirect.status_code == 307
            assert redirect.headers["location"] == "https://example.com/docs"
            token = {"Authorization": f"Bearer {TOKEN}"}
            assert client.get("/metrics", headers=token).status_code == 404  # not public
            too_big = client.post("/", content=b"x" * (2_621_440 + 2048))
            assert too_big.status_code == 413  # web.max_body_size, enforced by nginx


def ca_context(ca: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca)


def _through_proxy(client: httpx.Client, path: str) -> httpx.Response:
    """The first answer once nginx listens."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return client.get(path)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
