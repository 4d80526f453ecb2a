// A real OpenID Connect provider (the npm package oidc-provider) for Shipyard's OAuth tests.
//
// Environment: PORT (listen on 127.0.0.1:PORT), CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS
// (comma-separated), JWKS_FILE (a JSON {"keys": [private JWKs]} the ID tokens are signed
// with, so tests can also sign tokens the provider's JWKS vouches for). The dev interaction
// asks for any login and password: the login becomes the account (its `sub`), its email
// is the login when it holds an @ (else login@example.test), verified unless the login
// starts with "unverified".
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8'));

const configuration = {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URIS.split(','),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks,
  cookies: { keys: ['shipyard-test-provider-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
  async findAccount(ctx, sub) {
    const email = sub.includes('@') ? sub : `${sub}@example.test`;
    return {
      accountId: sub,
      async claims() {
        return { sub, email, email_verified: !sub.startsWith('unverified'), name: sub };
      },
    };
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
