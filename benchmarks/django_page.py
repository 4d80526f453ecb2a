"""The ``pages`` benchmark page in Django 5, as ASGI (``django.core.asgi``) and as WSGI.

:func:`django_app` is the ASGI app (under uvicorn, like the other page apps);
:func:`django_wsgi_app` the WSGI app, the way Django is deployed in production: gunicorn
with sync workers, loaded with ``--preload`` so every worker shares the one database.

Settings are configured in code (:func:`configure`): database sessions on a fresh SQLite
file (migrated at start-up; the pragmas of Shipyard's SQLite, :data:`SQLITE_OPTIONS`),
``SessionMiddleware``, ``CsrfViewMiddleware``, ``MessageMiddleware`` with session-stored
messages, and Django templates using ``{% csrf_token %}`` and ``messages``. The view is a
plain synchronous Django view, as most Django apps write it. This module is also the
URLconf.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from benchmarks.page_data import PATH, ROWS, TEMPLATES, scratch_dir, welcome

SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 5,
}
"""The SQLite setup Shipyard's database gets (:mod:`shipyard.db.database`): WAL without an
fsync per commit, write transactions that take the lock up front, a 5 s busy timeout.
Django's defaults (rollback journal, an fsync per commit) would make its rows measure
the disk rather than the framework."""


def page(request: HttpRequest) -> HttpResponse:
    visits = int(request.session.get("visits", 0)) + 1
    request.session["visits"] = visits
    messages.info(request, welcome(visits))
    return render(request, "bench/page.html", {"visits": visits, "rows": ROWS})


urlpatterns = [path(PATH.lstrip("/"), page)]


def configure() -> None:
    """Configure Django once per process, with its database in a new scratch dir."""
    if settings.configured:
        return
    database = scratch_dir("django-page-") / "django.sqlite3"
    settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmark-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.sessions", "django.contrib.messages"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(database),
                "OPTIONS": SQLITE_OPTIONS,
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.db",
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [TEMPLATES / "django"],
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        USE_TZ=True,
    )


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()  # a forking server's workers must each open their own


def django_app() -> Any:
    """The Django ASGI app, its session table migrated into a fresh SQLite file.

    ``migrate`` runs in a worker thread: servers call factories inside their event loop,
    where Django refuses synchronous database access.
    """
    configure()
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()  # runs django.setup()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_migrate).result()
    return application


def django_wsgi_app() -> Any:
    """The Django WSGI app, its session table migrated into a fresh SQLite file.

    Load it once before the server forks (gunicorn ``--preload``): the workers then share
    that file, so a session opened by one worker is found by the others.
    """
    configure()
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # runs django.setup()
    _migrate()
    return application
