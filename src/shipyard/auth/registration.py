"""Registration that does not reveal which addresses have accounts.

A new address gets an account and the link that confirms it. An address that already
has an account gets nothing new: its owner is mailed a notice instead (someone tried to
register; log in or reset the password). Both cost the same work (the password is
hashed either way, one mail is sent), and the register page answers both the same way.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from shipyard.auth.emails import send_registration_notice, send_verification
from shipyard.auth.users import EmailTaken, create_user, find_by_email, user_model


async def register_account(request: Request, db: AsyncSession, email: str, password: str) -> None:
    """Create the account for ``email`` and mail its confirmation link, or mail the owner.

    ``password`` must already satisfy the policy. Whether the address was taken is
    deliberately not returned: nothing the caller answers may depend on it.
    """
    model = user_model(request.app)
    auth = request.app.settings.auth
    try:
        async with db.begin_nested():
            user = await create_user(db, email, password, auth, model=model, check_password=False)
    except (EmailTaken, IntegrityError):  # IntegrityError: a concurrent registration won
        owner = await find_by_email(db, email, model)
        if owner is not None and owner.is_active:
            await send_registration_notice(request, owner)
    else:
        await send_verification(request, user)
