"""Account pages: overview, email verification, forgot/reset password, change password
and change email. Emailed links carry single-use tokens from :mod:`shipyard.auth.links`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.deps import CurrentUser
from shipyard.auth.emails import (
    send_email_change,
    send_password_changed,
    send_reset,
    send_verification,
    send_welcome,
)
from shipyard.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
)
from shipyard.auth.links import Purpose, claim_matches, read_token
from shipyard.auth.models import User, normalize_email
from shipyard.auth.passwords import password_problems, verify_password
from shipyard.auth.sections import account_sections
from shipyard.auth.sessionauth import login
from shipyard.auth.throttling import throttled_form
from shipyard.auth.users import email_taken, find_by_email, set_password, user_model
from shipyard.db.session import DbSession
from shipyard.forms import FormResult, form_of, form_response
from shipyard.ratelimit import RateLimit, attempt_succeeded
from shipyard.security import flash, load_session
from shipyard.web import PageRouter, render
from shipyard.web.htmx import htmx_redirect

ForgotFormDep = Annotated[FormResult[ForgotPasswordForm], Depends(form_of(ForgotPasswordForm))]
ResetFormDep = Annotated[FormResult[ResetPasswordForm], Depends(form_of(ResetPasswordForm))]
PasswordFormDep = Annotated[FormResult[ChangePasswordForm], Depends(form_of(ChangePasswordForm))]
EmailFormDep = Annotated[FormResult[ChangeEmailForm], Depends(form_of(ChangeEmailForm))]

INVALID_LINK = "This link is invalid, has expired or was already used."


AUTH_LIMIT = Depends(RateLimit.named("auth"))
"""Seed 000's limit on credential-guessing routes (``ratelimit.named.auth``)."""


def _message(request: Request, title: str, text: str, status_code: int = 200) -> Response:
    context = {"title": title, "text": text}
    return render(request, "auth/message.html", context, status_code=status_code)


async def _user_from_link(
    request: Request, db: AsyncSession, token: str, purpose: Purpose
) -> User | None:
    """The active account a genuine, unexpired, unused ``purpose`` token is for."""
    settings = request.app.settings
    claim = read_token(settings, token, purpose)
    if claim is None:
        return None
    user = await db.get(user_model(request.app), claim.user_id)
    if user is None or not user.is_active or not claim_matches(settings, user, claim, purpose):
        return None
    return user


account_pages = PageRouter()
"""The account routes (mounted by ``AuthExtension``)."""


@account_pages.get("/", name="auth_account")
async def account(request: Request, user: CurrentUser) -> Response:
    sections = await account_sections(request, user)
    return render(request, "auth/account.html", {"user": user, "sections": sections})


@account_pages.get("/verify", name="auth_verify")
async def verify(request: Request, db: DbSession, token: str = "") -> Response:
    user = await _user_from_link(request, db, token, "verify")
    if user is None:
        return _message(request, "Link not valid", INVALID_LINK, 400)
    if not user.is_verified:
        user.is_verified = True
        await send_welcome(request, user)
    return _message(request, "Address confirmed", f"{user.email} is confirmed. Thank you!")


@account_pages.post("/verify/resend", name="auth_verify_resend")
async def resend(request: Request, user: CurrentUser) -> Response:
    if not user.is_verified:
        await send_verification(request, user)
        flash(request, f"We sent a new confirmation link to {user.email}.")
    return htmx_redirect(request, str(request.url_for("auth_account")))


@account_pages.get("/forgot", name="auth_forgot")
async def forgot_page(request: Request) -> Response:
    form = FormResult.blank(ForgotPasswordForm)
    return form_response(request, "auth/forgot.html", {}, form)


@account_pages.post("/forgot", name="auth_forgot_submit", dependencies=[AUTH_LIMIT])
async def forgot(request: Request, form: ForgotFormDep, db: DbSession) -> Response:
    if not form.is_valid:
        return form_response(request, "auth/forgot.html", {}, form)
    user = await find_by_email(db, form.data.email, user_model(request.app))
    if user is not None and user.is_active:
        await send_reset(request, user)
    return _message(
        request,
        "Check your inbox",
        "If an account uses this address, we sent it a link to reset the password.",
    )


@account_pages.get("/reset", name="auth_reset")
async def reset_page(request: Request, db: DbSession, token: str = "") -> Response:
    if await _user_from_link(request, db, token, "reset") is None:
        return _message(request, "Link not valid", INVALID_LINK, 400)
    form = FormResult.blank(ResetPasswordForm, initial={"token": token})
    return form_response(request, "auth/reset.html", {}, form)


@account_pages.post("/reset", name="auth_reset_submit", dependencies=[AUTH_LIMIT])
async def reset(request: Request, form: ResetFormDep, db: DbSession) -> Response:
    token = form.values.get("token") or ""
    user = await _user_from_link(request, db, str(token), "reset")
    if user is None:
        return _message(request, "Link not valid", INVALID_LINK, 400)
    auth = request.app.settings.auth
    if not form.is_valid:
        return form_response(request, "auth/reset.html", {}, form)
    password = form.data.password.get_secret_value()
    for problem in password_problems(password, auth):
        form.add_error("password", problem)
    if not form.is_valid:
        return form_response(request, "auth/reset.html", {}, form)
    await set_password(request.app, db, user, password, check_password=False)
    await attempt_succeeded(request, user.email, everywhere=True)
    await send_password_changed(request, user)
    flash(request, "Your password is changed. Log in with the new one.", "success")
    return htmx_redirect(request, str(request.url_for("auth_login")))


@account_pages.get("/password", name="auth_password")
async def password_page(request: Request, user: CurrentUser) -> Response:
    form = FormResult.blank(ChangePasswordForm)
    return form_response(request, "auth/change_password.html", {}, form)


@account_pages.post("/password", name="auth_password_submit")
async def change_password(
    request: Request, form: PasswordFormDep, user: CurrentUser, db: DbSession
) -> Response:
    auth = request.app.settings.auth
    if not form.is_valid:
        return form_response(request, "auth/change_password.html", {}, form)
    refused = await throttled_form(request, form, "auth/change_password.html", user.email)
    if refused is not None:
        return refused
    current = form.data.current_password.get_secret_value()
    new = form.data.new_password.get_secret_value()
    if not (await verify_password(current, user.password_hash, auth))[0]:
        form.add_error("current_password", "This is not your current password.")
    else:
        await attempt_succeeded(request, user.email)
    for problem in password_problems(new, auth):
        form.add_error("new_password", problem)
    if not form.is_valid:
        return form_response(request, "auth/change_password.html", {}, form)
    await set_password(request.app, db, user, new, check_password=False)
    session = await load_session(request)
    await login(request, user, remember=session.persistent)
    await send_password_changed(request, user)
    flash(request, "Your password is changed; your other sessions are logged out.", "success")
    return htmx_redirect(request, str(request.url_for("auth_account")))


@account_pages.get("/email", name="auth_email")
async def email_page(request: Request, user: CurrentUser) -> Response:
    form = FormResult.blank(ChangeEmailForm)
    return form_response(request, "auth/change_email.html", {}, form)


@account_pages.post("/email", name="auth_email_submit")
async def change_email(
    request: Request, form: EmailFormDep, user: CurrentUser, db: DbSession
) -> Response:
    auth = request.app.settings.auth
    if form.is_valid:
        data = form.data
        refused = await throttled_form(request, form, "auth/change_email.html", user.email)
        if refused is not None:
            return refused
        current = data.current_password.get_secret_value()
        right = (await verify_password(current, user.password_hash, auth))[0]
        if not right:
            form.add_error("current_password", "This is not your current password.")
        elif normalize_email(data.new_email) == user.email:
            form.add_error("new_email", "This is already your address.")
        elif await email_taken(db, data.new_email, user_model(request.app)):
            form.add_error("new_email", "An account with this address already exists.")
        if right:
            await attempt_succeeded(request, user.email)
    if not form.is_valid:
        return form_response(request, "auth/change_email.html", {}, form)
    user.pending_email = form.data.new_email
    await send_email_change(request, user)
    flash(request, f"We sent a confirmation link to {user.pending_email}.")
    return htmx_redirect(request, str(request.url_for("auth_account")))


@account_pages.get("/email/confirm", name="auth_confirm_email")
async def confirm_email(request: Request, db: DbSession, token: str = "") -> Response:
    user = await _user_from_link(request, db, token, "email")
    if user is None or user.pending_email is None:
        return _message(request, "Link not valid", INVALID_LINK, 400)
    if await email_taken(db, user.pending_email, user_model(request.app)):
        return _message(request, "Address taken", "Another account uses this address.", 409)
    user.email, user.pending_email = user.pending_email, None
    user.is_verified = True
    return _message(request, "Address changed", f"Your address is now {user.email}.")
