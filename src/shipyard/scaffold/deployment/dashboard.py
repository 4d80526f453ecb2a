"""The Grafana dashboard of an app: panels on the metric names of docs/observability.md.

Import it in Grafana (Dashboards > New > Import) and pick the Prometheus data source. The
Prometheus scrape job is named after the app (``job`` label); the app's own job-name
label of the jobs metrics arrives as ``exported_job``, as Prometheus renames it.
"""

from __future__ import annotations

from typing import Any

from shipyard.scaffold.deployment.profile import DeployProfile

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "[$__rate_interval]"
Query = tuple[str, str]  # expression, legend


def _quantile(q: float, by: str, selector: str, metric: str) -> str:
    return f"histogram_quantile({q}, sum by ({by}) (rate({metric}_bucket{{{selector}}}{RATE})))"


def _panels(profile: DeployProfile) -> list[tuple[str, str, str, list[Query]]]:
    """(title, panel type, unit, queries) of each panel."""
    sel = f'job="{profile.ident}"'
    requests = "shipyard_http_requests_total"
    duration = "shipyard_http_request_duration_seconds"
    panels = [
        (
            "Requests per second by status",
            "timeseries",
            "reqps",
            [(f"sum by (status) (rate({requests}{{{sel}}}{RATE}))", "{{status}}")],
        ),
        (
            "Share of 5xx answers",
            "stat",
            "percentunit",
            [
                (
                    f'sum(rate({requests}{{{sel}, status=~"5.."}}{RATE}))'
                    f" / sum(rate({requests}{{{sel}}}{RATE}))",
                    "5xx",
                )
            ],
        ),
        (
            "Request duration",
            "timeseries",
            "s",
            [(_quantile(q, "le", sel, duration), f"p{round(q * 100)}") for q in (0.5, 0.95, 0.99)],
        ),
        (
            "Slowest routes (p95)",
            "timeseries",
            "s",
            [(f"topk(5, {_quantile(0.95, 'le, route', sel, duration)})", "{{route}}")],
        ),
        (
            "Requests in progress",
            "timeseries",
            "short",
            [(f"sum(shipyard_http_requests_in_progress{{{sel}}})", "in progress")],
        ),
        (
            "Database pool connections",
            "timeseries",
            "short",
            [(f"sum by (state) (shipyard_db_pool_connections{{{sel}}})", "{{state}}")],
        ),
    ]
    if profile.jobs:
        panels += [
            (
                "Jobs per second by event",
                "timeseries",
                "ops",
                [(f"sum by (event) (rate(shipyard_jobs_total{{{sel}}}{RATE}))", "{{event}}")],
            ),
            (
                "Job duration (p95) by job",
                "timeseries",
                "s",
                [
                    (
                        _quantile(0.95, "le, exported_job", sel, "shipyard_job_duration_seconds"),
                        "{{exported_job}}",
                    )
                ],
            ),
        ]
    return panels


def grafana_dashboard(profile: DeployProfile) -> dict[str, Any]:
    """The dashboard as Grafana's JSON model (schema version 39)."""
    panels = [
        {
            "id": index + 1,
            "title": title,
            "type": kind,
            "datasource": DATASOURCE,
            "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {},
            "targets": [
                {"refId": chr(ord("A") + number), "expr": expr, "legendFormat": legend}
                | {"datasource": DATASOURCE}
                for number, (expr, legend) in enumerate(queries)
            ],
        }
        for index, (title, kind, unit, queries) in enumerate(_panels(profile))
    ]
    return {
        "uid": f"shipyard-{profile.slug}"[:40],
        "title": f"{profile.name} (Shipyard)",
        "tags": ["shipyard", profile.slug],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                    "options": [],
                    "refresh": 1,
                }
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }
