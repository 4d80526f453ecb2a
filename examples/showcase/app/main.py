"""Builds the showcase app; `shipyard dev`, `shipyard run` and the tests load `app`."""

from pathlib import Path

from shipyard import App
from shipyard.api.cookbook import CookbookExtension
from shipyard.api.versioning import ApiVersioning
from shipyard.attachments import AttachmentsExtension
from shipyard.auth import AuthExtension
from shipyard.auth.oauth import OAuthExtension
from shipyard.auth.tokens import TokensExtension
from shipyard.images import ImagesExtension
from shipyard.jobs.cron import cron
from shipyard.jobs.dashboard import JobsDashboard
from shipyard.notifications import NotificationsExtension
from shipyard.realtime import RealtimeExtension
from shipyard.storage import StorageExtension
from shipyard.uploads import UploadsExtension

from app import models  # noqa: F401  (registers the models for migrations and the shell)
from app.jobs.tasks import FleetCensus
from app.live import open_public_topics
from app.routes import register_routes

ROOT = Path(__file__).resolve().parent.parent


def create_app(*, profile: str | None = None) -> App:
    """Build the app from config/ for ``profile`` (default: SHIPYARD_PROFILE, development).

    Accounts: the account pages under ``/account`` and the token endpoints (issue,
    refresh, revoke) under ``/auth/token``; ``X-API-Key`` works too; in development,
    "Continue with Harbour ID" signs in with a local OpenID provider (``make demo``
    starts it: ``scripts/harbour_id.sh``). The versioned JSON
    API has one OpenAPI document per version (``/openapi/v1.json``, ``/openapi/v2.json``)
    and an interactive cookbook at ``/api/cookbook``. Background jobs: the sample jobs of
    ``app/jobs``, a cron schedule counting the fleet every ten minutes, and Shipyard's jobs
    dashboard under ``/admin/jobs`` (permission ``jobs:admin``). Realtime: event streams and
    a WebSocket under ``/realtime`` (``topic:fleet`` is public), the notification centre
    under ``/notifications`` and its live bell in the navigation. Files: ship photos and
    papers, attached with ``shipyard.attachments`` and kept by ``shipyard.storage`` (local
    disk under ``var/storage`` unless ``[storage]`` says otherwise); photos shown as
    variants made by ``shipyard.images`` (a thumbnail in the fleet table, a larger copy on
    the details); papers are direct uploads (``/uploads/direct``), sent by the browser to
    the store and checked after.
    """
    application = App(
        root=ROOT,
        profile=profile,
        extensions=[
            AuthExtension(prefix="/account"),
            OAuthExtension(),
            TokensExtension(prefix="/auth/token"),
            ApiVersioning(),
            CookbookExtension(path="/api/cookbook", title="Shipyard showcase API cookbook"),
            JobsDashboard("/admin/jobs"),
            RealtimeExtension(prefix="/realtime"),
            NotificationsExtension(prefix="/notifications"),
            StorageExtension(prefix="/storage"),
            ImagesExtension(prefix="/storage"),
            AttachmentsExtension(),
            UploadsExtension(direct=True),
        ],
    )
    open_public_topics(application)
    cron(application, "*/10 * * * *", FleetCensus(), name="fleet-census")
    register_routes(application)
    return application


app = create_app()
