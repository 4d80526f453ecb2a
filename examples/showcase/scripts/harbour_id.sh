#!/usr/bin/env bash
# Harbour ID: the local OpenID Connect provider behind "Continue with Harbour ID" in
# development (config/settings.development.toml, [oauth.providers.harbour]). It is the
# npm package oidc-provider, the one Shipyard's OAuth tests sign in with; any login and
# password work on its sign-in page. `make demo` runs it beside `shipyard dev`.
# HARBOUR_PORT, HARBOUR_REDIRECT_URIS and HARBOUR_JWKS move it (the showcase's test does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

provider=../../tests/oauth/provider
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Harbour ID needs Node.js and npm (Debian: apt-get install nodejs npm);" \
        "the showcase runs without it, minus that button" >&2
    exit 1
fi
[[ -d $provider/node_modules ]] || npm ci --prefix "$provider" --no-audit --no-fund --loglevel=error
jwks=${HARBOUR_JWKS:-var/harbour-jwks.json}
mkdir -p "$(dirname "$jwks")"
if [[ ! -f $jwks ]]; then  # the provider's signing key, made once
    node -e '
        const { generateKeyPairSync } = require("node:crypto");
        const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
        console.log(JSON.stringify({ keys: [{ ...jwk, kid: "harbour-1", use: "sig", alg: "RS256" }] }));
    ' > "$jwks"
fi
callback=/auth/oauth/harbour/callback
export PORT=${HARBOUR_PORT:-4400} JWKS_FILE=$jwks
export CLIENT_ID=showcase CLIENT_SECRET=showcase-development-only-secret
export REDIRECT_URIS=${HARBOUR_REDIRECT_URIS:-"http://127.0.0.1:8000$callback,http://localhost:8000$callback"}
echo "Harbour ID (local OpenID provider) on http://127.0.0.1:$PORT"
exec node "$provider/server.mjs"
