"""Pages that open and close login sessions: register, log in, log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from shipyard.auth.deps import OptionalIdentity
from shipyard.auth.devices import is_known_browser, remember_browser
from shipyard.auth.emails import send_new_sign_in
from shipyard.auth.forms import LoginForm, LogoutForm, RegisterForm
from shipyard.auth.passwords import password_problems
from shipyard.auth.redirects import safe_next
from shipyard.auth.registration import register_account
from shipyard.auth.sessionauth import login, logout
from shipyard.auth.throttling import throttled_form
from shipyard.auth.users import authenticate, user_model
from shipyard.config.models import AuthSettings
from shipyard.db.session import DbSession
from shipyard.forms import FormResult, form_of, form_response
from shipyard.ratelimit import RateLimit, attempt_succeeded
from shipyard.security import flash
from shipyard.web import PageRouter
from shipyard.web.htmx import htmx_redirect

RegisterFormDep = Annotated[FormResult[RegisterForm], Depends(form_of(RegisterForm))]
LoginFormDep = Annotated[FormResult[LoginForm], Depends(form_of(LoginForm))]
LogoutFormDep = Annotated[FormResult[LogoutForm], Depends(form_of(LogoutForm))]


REGISTERED = "Check your inbox: we sent you an email with the next step."
"""What registering answers, whether the address was new or already had an account."""

AUTH_LIMIT = Depends(RateLimit.named("auth"))
"""Seed 000's limit on credential-guessing routes (``ratelimit.named.auth``)."""


def _auth(request: Request) -> AuthSettings:
    settings: AuthSettings = request.app.settings.auth
    return settings


session_pages = PageRouter()
"""The register, login and logout routes (mounted by ``AuthExtension``)."""


async def _submitted(request: Request, name: str) -> str:
    """A field as submitted (the parsed form is cached on the request), "" if absent."""
    value = (await request.form()).get(name)
    return value if isinstance(value, str) else ""


@session_pages.get("/register", name="auth_register")
async def register_page(request: Request) -> Response:
    return form_response(request, "auth/register.html", {}, FormResult.blank(RegisterForm))


@session_pages.post("/register", name="auth_register_submit", dependencies=[AUTH_LIMIT])
async def register(request: Request, form: RegisterFormDep, db: DbSession) -> Response:
    """The same answer whether the address is new or has an account (no enumeration)."""
    password = await _submitted(request, "password")
    if password and not form.error("password"):  # reported with the other fields' errors
        for problem in password_problems(password, _auth(request)):
            form.add_error("password", problem)
    if not form.is_valid:
        return form_response(request, "auth/register.html", {}, form)
    data = form.data
    await register_account(request, db, data.email, data.password.get_secret_value())
    flash(request, REGISTERED)
    return htmx_redirect(request, request.url_for("auth_login").path)


@session_pages.get("/login", name="auth_login")
async def login_page(request: Request, next: str = "") -> Response:
    form = FormResult.blank(LoginForm, initial={"next": safe_next(next, "")})
    return form_response(request, "auth/login.html", {}, form)


@session_pages.post("/login", name="auth_login_submit", dependencies=[AUTH_LIMIT])
async def login_submit(request: Request, form: LoginFormDep, db: DbSession) -> Response:
    auth = _auth(request)
    if form.is_valid:
        data = form.data
        refused = await throttled_form(request, form, "auth/login.html", data.email)
        if refused is not None:
            return refused
        user = await authenticate(
            db, data.email, data.password.get_secret_value(), auth, user_model(request.app)
        )
        if user is not None:
            await attempt_succeeded(request, data.email)
        if user is None:
            form.add_error(None, "Wrong email or password.")
        elif not user.is_active:
            form.add_error(None, "This account is disabled.")
        elif auth.require_verified_email and not user.is_verified:
            form.add_error(None, "Confirm your email address first: open the emailed link.")
        else:
            await login(request, user, remember=data.remember)
            response = htmx_redirect(request, safe_next(data.next, auth.login_redirect))
            if not is_known_browser(request, user):
                if auth.new_sign_in_mail:
                    await send_new_sign_in(request, user)
                remember_browser(request, response, user)
            return response
    return form_response(request, "auth/login.html", {}, form)


@session_pages.post("/logout", name="auth_logout")
async def logout_submit(
    request: Request, form: LogoutFormDep, identity: OptionalIdentity
) -> Response:
    everywhere = form.is_valid and form.data.everywhere
    await logout(request, everywhere=everywhere and identity is not None)
    message = "You have been logged out everywhere." if everywhere else "You are logged out."
    flash(request, message)
    return htmx_redirect(request, _auth(request).logout_redirect)
