"""Metrics of a server with two worker processes, scraped by a real Prometheus.

`shipyard run --workers 2` shares one multiprocess folder between its workers, so every
scrape adds up both workers' counts, whichever worker answers it; Prometheus (Debian's
package) then scrapes the page and answers a query over it.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.cli.support import Server

from shipyard.testing.services import free_port, unavailable

pytestmark = pytest.mark.slow
HOME_REQUESTS = 12


def home_requests(page: str) -> float:
    """``shipyard_http_requests_total`` of ``GET /`` answered 200, in a scraped page."""
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            labels = sample.labels
            if sample.name == "shipyard_http_requests_total" and labels == {
                "method": "GET",
                "route": "/",
                "status": "200",
            }:
                return sample.value
    return 0.0


def start_prometheus(folder: Path, target: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("prometheus")
    if binary is None:
        unavailable("Prometheus is not installed (Debian: apt-get install prometheus)")
        raise AssertionError  # unavailable() skips or fails
    config = folder / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n"
        "scrape_configs:\n  - job_name: shipyard\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


def query_until(base: str, query: str, expected: float, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    seen: object = None
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{base}/api/v1/query", params={"query": query}, timeout=2)
            result = answer.json()["data"]["result"]
            seen = result
            if result and float(result[0]["value"][1]) == expected:
                return
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            seen = exc
        time.sleep(0.5)
    pytest.fail(f"Prometheus never answered {expected} to {query} (last: {seen!r})")


def test_two_workers_add_up_and_prometheus_scrapes_them(blog: Path, tmp_path: Path) -> None:
    port = free_port()
    server = Server(["run", "--workers", "2", "--server", "uvicorn"], cwd=blog, port=port)
    prometheus = None
    try:
        server.get("/up")
        server.wait_for_output("Application startup complete", count=2)
        before = home_requests(server.get("/metrics").text)
        for _ in range(HOME_REQUESTS):
            assert httpx.get(server.base_url + "/", timeout=10).status_code == 200
        pages = [server.get("/metrics").text for _ in range(6)]
        assert [home_requests(page) for page in pages] == [before + HOME_REQUESTS] * 6
        prometheus, base = start_prometheus(tmp_path, f"127.0.0.1:{port}")
        query = 'sum(shipyard_http_requests_total{route="/",method="GET",status="200"})'
        query_until(base, query, before + HOME_REQUESTS)
    finally:
        if prometheus is not None:
            prometheus.terminate()
            prometheus.wait(timeout=15)
        output = server.stop()
    assert output.count("Started server process") == 2, output
