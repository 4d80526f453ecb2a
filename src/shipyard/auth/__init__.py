"""User accounts: models, password hashing, identity resolution, login sessions, pages.

Owns ``User``/``Role``, Argon2id hashing and the password policy
(:mod:`.passwords`), the :class:`Identity` and the per-app authenticator registry
(:mod:`.identity`), the session authenticator with :func:`login`/:func:`logout`
(:mod:`.sessionauth`), the ``current_user``/``optional_user``/``require_user``
dependencies (:mod:`.deps`) and the opt-in account pages (:class:`AuthExtension`).
Not owned here: JWTs and API keys (``shipyard.auth.tokens``/``apikeys``, which
register their own authenticators), permissions (``shipyard.authz``), mail delivery
(``shipyard.mail``).
"""

from shipyard.auth.authenticators import register_authenticator, resolve_identity
from shipyard.auth.deps import (
    AuthenticationRequired,
    CurrentIdentity,
    CurrentUser,
    OptionalIdentity,
    current_user,
    optional_user,
    require_user,
)
from shipyard.auth.extension import AuthExtension
from shipyard.auth.identity import Identity
from shipyard.auth.models import Role, User, normalize_email, user_roles
from shipyard.auth.passwords import hash_password, password_problems, verify_password
from shipyard.auth.sessionauth import InactiveUser, login, logout
from shipyard.auth.users import (
    EmailTaken,
    PasswordRejected,
    authenticate,
    create_user,
    find_by_email,
    set_password,
)

__all__ = [
    "AuthExtension",
    "AuthenticationRequired",
    "CurrentIdentity",
    "CurrentUser",
    "EmailTaken",
    "Identity",
    "InactiveUser",
    "OptionalIdentity",
    "PasswordRejected",
    "Role",
    "User",
    "authenticate",
    "create_user",
    "current_user",
    "find_by_email",
    "hash_password",
    "login",
    "logout",
    "normalize_email",
    "optional_user",
    "password_problems",
    "register_authenticator",
    "require_user",
    "resolve_identity",
    "set_password",
    "user_roles",
    "verify_password",
]
