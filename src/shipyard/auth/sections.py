"""Sections other extensions add to the account page (connected accounts, ...).

A section is an async ``(request, user) -> (template, context) | None``, registered per
app with :func:`register_account_section`; the account page renders each section's
template with its context as ``section``. None leaves the section out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request

from shipyard.auth.models import User
from shipyard.core.services import Service

AccountSection = Callable[[Request, User], Awaitable[tuple[str, dict[str, Any]] | None]]


class AccountSectionList(list[AccountSection]):
    """One app's account-page sections, in registration order."""


ACCOUNT_SECTIONS = Service("account_sections", AccountSectionList, "account page sections")
"""The app's :class:`AccountSectionList` (made on first registration)."""


def register_account_section(app: Starlette, section: AccountSection) -> None:
    """Show ``section`` on ``app``'s account page (once, however often registered)."""
    sections = ACCOUNT_SECTIONS.get_or_create(app, AccountSectionList)
    if section not in sections:
        sections.append(section)


async def account_sections(request: Request, user: User) -> list[tuple[str, dict[str, Any]]]:
    """The rendered-to-be sections of ``user``'s account page."""
    found = []
    for section in ACCOUNT_SECTIONS.find(request.app) or ():
        made = await section(request, user)
        if made is not None:
            found.append(made)
    return found
