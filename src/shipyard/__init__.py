"""Shipyard: a batteries-included web framework built on FastAPI.

The names an app uses every day are here, one import away (``from shipyard import App,
PageRouter, render, DbSession, RowId, CurrentUser, flash, Job``); each subsystem keeps
the rest in its own package (``shipyard.db``, ``shipyard.web``, ``shipyard.auth``,
``shipyard.jobs``, ``shipyard.testing``...). Every name here means one thing: the
database session dependency is ``DbSession``, the browser session's is ``SessionDep``.
"""

from shipyard.app import App
from shipyard.auth import (
    AuthExtension,
    CurrentIdentity,
    CurrentUser,
    OptionalIdentity,
    User,
    login,
    logout,
)
from shipyard.authz import HasPermission
from shipyard.config import Settings
from shipyard.core.app import AppBase, SettingsDep, get_settings
from shipyard.core.problems import HTTPProblem, register_problem_type
from shipyard.db import DatabaseDep, DbSession, IdMixin, Model, RowId, TimestampMixin
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.jobs import Job, JobsDep
from shipyard.security import csrf_exempt
from shipyard.sessions import SessionDep
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash
from shipyard.web.htmx import htmx

__all__ = [
    "App",
    "AppBase",
    "AuthExtension",
    "CurrentIdentity",
    "CurrentUser",
    "DatabaseDep",
    "DbSession",
    "Extension",
    "HTTPProblem",
    "HasPermission",
    "IdMixin",
    "Job",
    "JobsDep",
    "Model",
    "OptionalIdentity",
    "PageRouter",
    "RowId",
    "SessionDep",
    "Settings",
    "SettingsDep",
    "ShipyardError",
    "TimestampMixin",
    "User",
    "csrf_exempt",
    "flash",
    "get_settings",
    "htmx",
    "login",
    "logout",
    "register_problem_type",
    "render",
]
__version__ = "0.1.0"
