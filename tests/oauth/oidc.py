"""The real OpenID provider (npm ``oidc-provider``, ``provider/server.mjs``) for the tests.

:func:`running_provider` starts it on a free port with a test client whose redirect URIs
are given, and signs its ID tokens with an RSA key made here, so tests can also sign
tokens the provider's own JWKS vouches for (:attr:`OidcProvider.key`). Without Node or
without ``npm ci`` in ``tests/oauth/provider`` the test is skipped (failed under
``SHIPYARD_REQUIRE_SERVICES``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from joserfc.jwk import RSAKey

from shipyard.testing.services import free_port, running_server, unavailable

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "shipyard-test"
CLIENT_SECRET = "shipyard-test-secret"  # a test server's
KEY_ID = "test-key-1"


@dataclass(frozen=True)
class OidcProvider:
    """A running provider: its issuer URL, our client, and the key it signs with."""

    issuer: str
    key: RSAKey

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed (apt-get install nodejs npm)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        unavailable(f"oidc-provider is not installed: run `npm ci` in {PROVIDER_DIR}")
    return node


@contextmanager
def running_provider(redirect_uris: Sequence[str], workdir: Path) -> Iterator[OidcProvider]:
    """The provider on a free port until the block ends."""
    node = _node()
    key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
    jwks = workdir / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "JWKS_FILE": str(jwks),
    }
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", key=key)
    with running_server(
        [node, str(PROVIDER_DIR / "server.mjs")],
        probe=provider.discovery_url,
        log=workdir / "oidc-provider.log",
        cwd=PROVIDER_DIR,
        env=env,
    ):
        yield provider
