"""What Shipyard can do, and how far along each capability is: the home page lists these.

Later issues flip a capability to ``available`` when it lands and give it a showcase page.
"""

from dataclasses import dataclass
from typing import Literal

Status = Literal["available", "coming"]


@dataclass(frozen=True)
class Capability:
    """One capability of the framework, as the home page shows it."""

    name: str
    summary: str
    status: Status
    link: str | None = None


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "Platform",
        "App and extensions, hierarchical settings, database and migrations, CLI, test support.",
        "available",
        "/settings",
    ),
    Capability(
        "Web layer",
        "htmx pages and fragments, forms, sessions and flash messages, CSRF, security "
        "headers (strict CSP), error pages.",
        "available",
        "/ships",
    ),
    Capability(
        "Layout, design & feedback",
        "Every page in the app's layout, the user known on every page, a default stylesheet "
        "(dark mode, phones, accessible), busy buttons, confirmation dialogs, toasts.",
        "available",
        "/design",
    ),
    Capability(
        "Accounts & API security",
        "Registration, login, email verification, password reset, JWT access tokens with "
        "rotating refresh tokens, API keys, roles and permissions, rate limiting.",
        "available",
        "/#accounts",
    ),
    Capability(
        "Policies",
        "Per-model authorization policies: actions, list scopes enforced by every query path "
        "(filters, sorting, fields, cursors), field rules, token scopes, can() in templates.",
        "available",
        "/ships",
    ),
    Capability(
        "OAuth2",
        "Sign in with Google, GitHub, Microsoft or any OpenID provider: state, nonce and "
        "PKCE, account linking; here, Continue with Harbour ID (a local provider).",
        "available",
        "/account/login",
    ),
    Capability(
        "Versioned JSON APIs",
        "Typed CRUD resources, cursor pagination, sorting, filtering, field selection, "
        "header versioning, problem details, an interactive API cookbook.",
        "available",
        "/#apis",
    ),
    Capability(
        "Jobs",
        "Typed background jobs, retries with backoff, dead letters, cron, a worker, and a "
        "live dashboard for admins.",
        "available",
        "/jobs",
    ),
    Capability(
        "Generators",
        "shipyard new makes a whole app; shipyard scaffold crud, api, model, job or page adds "
        "model, pages, API, tests and migration. Ports is a resource left as generated.",
        "available",
        "/ports",
    ),
    Capability(
        "Files",
        "Streaming uploads checked by their bytes and scanned by ClamAV, a drop zone with "
        "live progress, storage on local disk, S3 or Azure with signed links, attachments "
        "on models (a ship's photo), direct uploads checked after (a ship's papers).",
        "available",
        "/ships",
    ),
    Capability(
        "Mail",
        "Mail classes with Jinja2 or MJML templates, SMTP, SES, SendGrid, Resend and "
        "Postmark with failover, queued delivery sent exactly once, delivery webhooks and a "
        "suppression list, a previewer (development), notifications.",
        "available",
        "/_shipyard/mail",
    ),
    Capability(
        "Realtime & notifications",
        "Server-Sent Events and WebSockets over a pub/sub broker (memory, Redis, PostgreSQL "
        "LISTEN/NOTIFY) across processes, resume with Last-Event-ID; notifications by mail, "
        "in-app and live, with a live bell.",
        "available",
        "/live",
    ),
    Capability(
        "Caching",
        "Memory, Redis and database backends with tags and stampede protection; cached "
        "routes, functions, template fragments and database selects (the ship count on "
        "this page), invalidated when a change commits; ETags with 304 and 412.",
        "available",
        "/ships",
    ),
    Capability(
        "Observability",
        "Structured logs with request and job context, request ids, slow-SQL and N+1 "
        "warnings, Prometheus metrics, liveness and readiness probes. Tracing is coming.",
        "available",
        "/ready",
    ),
    Capability(
        "Deployment",
        "shipyard scaffold deployment writes a slim non-root Dockerfile, Compose, Kubernetes, "
        "systemd, nginx, Prometheus alerts and a Grafana dashboard fitted to the settings "
        "(this app's are in deploy/); shipyard check --deploy is the going-live checklist.",
        "available",
    ),
)
