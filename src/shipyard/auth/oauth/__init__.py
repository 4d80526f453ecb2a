"""Sign in with GitHub, Google, Microsoft and any OpenID Connect provider.

Owns the provider registry built from ``oauth`` settings (:mod:`.providers`), the
sign-in state kept in the browser session with PKCE verifier and nonce (:mod:`.flow`),
the protocol through Authlib (:mod:`.client`), ID token verification against the
provider's rotating JWKS (:mod:`.idtoken`, :mod:`.discovery`), the linked-identities
table with its tokens encrypted at rest (:mod:`.models`, :mod:`.crypto`), what an
identity does to accounts (:mod:`.accounts`), the routes (:mod:`.pages`) and
:class:`OAuthExtension`. Not owned here: the accounts themselves, login sessions and
password sign-in (``shipyard.auth``).
"""

from shipyard.auth.oauth.accounts import has_password, identities_of
from shipyard.auth.oauth.client import Profile
from shipyard.auth.oauth.errors import OAuthFailure
from shipyard.auth.oauth.extension import OAuthExtension
from shipyard.auth.oauth.models import LinkedIdentity
from shipyard.auth.oauth.providers import Provider, app_providers
from shipyard.auth.oauth.tokens import provider_access_token

__all__ = [
    "LinkedIdentity",
    "OAuthExtension",
    "OAuthFailure",
    "Profile",
    "Provider",
    "app_providers",
    "has_password",
    "identities_of",
    "provider_access_token",
]
