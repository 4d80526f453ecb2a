"""What a provider identity does to accounts: sign in, sign up, link, unlink.

- An identity linked to an account signs that account in.
- An unknown identity whose email already has an account is refused: taking the account
  over silently would give it to whoever controls the address at the provider. Its owner
  signs in (with the password) and connects the provider from the account page.
- An unknown identity with a new email creates an account (``oauth.signup``), without a
  usable password; the email counts as verified only when the provider says so.
- Linking needs the signed-in account that started it; an identity belongs to one
  account, an account has one identity per provider.
- Unlinking refuses to remove the last way to sign in (no usable password and no other
  linked identity) and revokes the provider's grant.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from shipyard.auth.emails import send_verification
from shipyard.auth.identity import Identity
from shipyard.auth.models import User
from shipyard.auth.oauth.client import Profile, revoke_tokens
from shipyard.auth.oauth.crypto import open_tokens, seal_tokens
from shipyard.auth.oauth.discovery import DIRECTORY
from shipyard.auth.oauth.errors import OAuthFailure
from shipyard.auth.oauth.flow import PendingSignIn
from shipyard.auth.oauth.models import LinkedIdentity
from shipyard.auth.oauth.providers import Provider, find_provider
from shipyard.auth.sessionauth import login
from shipyard.auth.users import find_by_email, user_model

logger = logging.getLogger("shipyard.auth.oauth")

UNUSABLE_PASSWORD = "!"  # noqa: S105  # nosec B105  # never an Argon2 hash: matches nothing
"""The password hash of an account made through a provider (no password until one is set)."""

EMAIL_HAS_ACCOUNT = (
    "An account already uses the email address {email}. Log in with your password, then "
    "connect {provider} from your account page."
)
ANOTHER_ACCOUNT = "This {provider} account is already connected to another account."
ALREADY_LINKED = "Your account is already connected to a {provider} account: disconnect it first."
NO_EMAIL = "{provider} did not share an email address with us, so we cannot create an account."
NO_SIGNUP = "No account is connected to this {provider} account."
DISABLED = "This account is disabled."
LAST_WAY = (
    "This is your only way to log in: set a password (Forgot your password?) or connect "
    "another account first."
)


def has_password(user: User) -> bool:
    """True if the account can log in with a password (it has an Argon2 hash)."""
    return user.password_hash.startswith("$argon2")


async def identity_of(db: AsyncSession, provider: str, subject: str) -> LinkedIdentity | None:
    """The link of ``subject`` at ``provider``, if any."""
    statement = select(LinkedIdentity).where(
        LinkedIdentity.provider == provider, LinkedIdentity.subject == subject
    )
    return (await db.scalars(statement)).one_or_none()


async def identities_of(db: AsyncSession, user_id: int) -> list[LinkedIdentity]:
    """The account's links, by provider name."""
    statement = (
        select(LinkedIdentity)
        .where(LinkedIdentity.user_id == user_id)
        .order_by(LinkedIdentity.provider)
    )
    return list(await db.scalars(statement))


def _secret(request: Request) -> str:
    secret: str = request.app.settings.app.secret_key.get_secret_value()
    return secret


async def complete_sign_in(
    request: Request,
    db: AsyncSession,
    provider: Provider,
    profile: Profile,
    pending: PendingSignIn,
    identity: Identity | None,
) -> str:
    """Act on a verified provider identity; the path to go to next (or OAuthFailure)."""
    linked = await identity_of(db, provider.name, profile.subject)
    sealed = seal_tokens(_secret(request), profile.tokens)
    label = provider.label
    if pending.intent == "link":
        return await _link(request, db, provider, profile, pending, identity, linked, sealed)
    if linked is not None:
        user = await db.get(user_model(request.app), linked.user_id)
        if user is None or not user.is_active:
            raise OAuthFailure(f"linked user {linked.user_id} is inactive", DISABLED, status=403)
        linked.tokens, linked.email = sealed, profile.email
        return await _log_in(request, user, pending)
    if profile.email is not None and (
        await find_by_email(db, profile.email, user_model(request.app)) is not None
    ):
        message = EMAIL_HAS_ACCOUNT.format(email=profile.email, provider=label)
        raise OAuthFailure(f"{profile.email} has an account not linked to {label}", message, 409)
    if not request.app.settings.oauth.signup:
        raise OAuthFailure(
            "sign-up through providers is off", NO_SIGNUP.format(provider=label), 403
        )
    if profile.email is None:
        raise OAuthFailure("no email from the provider", NO_EMAIL.format(provider=label), 400)
    user = await _sign_up(request, db, provider, profile, sealed)
    return await _log_in(request, user, pending)


async def _sign_up(
    request: Request, db: AsyncSession, provider: Provider, profile: Profile, sealed: str
) -> User:
    model = user_model(request.app)
    try:
        async with db.begin_nested():
            user = model(
                email=profile.email,
                password_hash=UNUSABLE_PASSWORD,
                is_verified=profile.email_verified,
            )
            db.add(user)
            await db.flush()
            db.add(_link_row(user.id, provider, profile, sealed))
            await db.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same email or identity won
        message = "This sign-in raced another one. Please start again."
        raise OAuthFailure("concurrent sign-up", message, 409) from exc
    logger.info("account %s created through %s", user.id, provider.name)
    if not user.is_verified:
        await send_verification(request, user)
    return user


def _link_row(user_id: int, provider: Provider, profile: Profile, sealed: str) -> LinkedIdentity:
    return LinkedIdentity(
        user_id=user_id,
        provider=provider.name,
        subject=profile.subject,
        email=profile.email,
        tokens=sealed,
    )


async def _log_in(request: Request, user: User, pending: PendingSignIn) -> str:
    auth = request.app.settings.auth
    if auth.require_verified_email and not user.is_verified:
        raise OAuthFailure(
            f"user {user.id} not verified",
            "Confirm your email address first: open the emailed link.",
            403,
        )
    await login(request, user)
    return pending.next or auth.login_redirect


async def _link(
    request: Request,
    db: AsyncSession,
    provider: Provider,
    profile: Profile,
    pending: PendingSignIn,
    identity: Identity | None,
    linked: LinkedIdentity | None,
    sealed: str,
) -> str:
    label = provider.label
    if identity is None or identity.user.id != pending.user_id:
        message = "Log in again, then connect from your account page."
        raise OAuthFailure("link finished by another (or no) user", message, 403)
    user = identity.user
    if linked is not None and linked.user_id != user.id:
        raise OAuthFailure("identity linked elsewhere", ANOTHER_ACCOUNT.format(provider=label), 409)
    if linked is None:
        if any(each.provider == provider.name for each in await identities_of(db, user.id)):
            raise OAuthFailure(
                "provider already linked", ALREADY_LINKED.format(provider=label), 409
            )
        db.add(_link_row(user.id, provider, profile, sealed))
        await db.flush()
        logger.info("account %s connected %s", user.id, provider.name)
    else:
        linked.tokens, linked.email = sealed, profile.email
    return pending.next


async def unlink(request: Request, db: AsyncSession, user: User, provider_name: str) -> str:
    """Remove the account's link to ``provider_name``; its label (or OAuthFailure)."""
    identities = await identities_of(db, user.id)
    target = next((each for each in identities if each.provider == provider_name), None)
    if target is None:
        raise OAuthFailure("nothing to unlink", "This account is not connected there.", 404)
    if not has_password(user) and len(identities) == 1:
        raise OAuthFailure("last way to log in", LAST_WAY, 409)
    provider = find_provider(request.app, provider_name)
    tokens = open_tokens(_secret(request), target.tokens)
    if provider is not None and tokens:
        try:
            await revoke_tokens(DIRECTORY.get(request.app), provider, tokens)
        except OAuthFailure as failure:  # the link goes anyway; the grant may outlive it
            logger.warning(
                "revoking %s tokens of user %s failed: %s", provider_name, user.id, failure.reason
            )
    await db.delete(target)
    logger.info("account %s disconnected %s", user.id, provider_name)
    return provider.label if provider is not None else provider_name
