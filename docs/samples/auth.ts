/** docs/auth.md: server authentication (API keys, JWT, introspection, mTLS) and client credentials. */
import { readFileSync } from 'node:fs'
import {
  clientCredentials,
  fileOAuthStore,
  loopbackAuthorization,
  MCPServerStreamableHttp,
  oauth,
} from 'toolwire/client'
import { hashApiKey, type Identity, serve, type ToolServer } from 'toolwire/server'
import { z } from 'zod'

export async function apiKeys(server: ToolServer) {
  // #region api-keys
  server.tool(
    'update_deal_stage',
    { input: z.object({ dealId: z.number(), stage: z.string() }), scopes: ['crm.write'] },
    ({ dealId, stage }, ctx) => `${ctx.identity?.subject} moved deal ${dealId} to ${stage}`,
  )
  await serve(server, {
    auth: {
      apiKeys: [
        { id: 'sales-agent', sha256: process.env.SALES_AGENT_KEY_SHA256!, scopes: ['crm.read'] },
        { id: 'ops', sha256: hashApiKey(process.env.OPS_KEY!), scopes: ['crm.read', 'crm.write'] },
      ],
    },
  })
  // #endregion api-keys
}

export async function jwt(server: ToolServer) {
  // #region jwt
  await serve(server, {
    auth: {
      jwt: {
        jwksUrl: 'https://auth.example.com/.well-known/jwks.json', // or publicKey: an SPKI PEM
        issuer: 'https://auth.example.com',
        audience: 'https://crm.example.com/mcp',
      },
    },
  })
  // #endregion jwt
}

export async function introspection(server: ToolServer) {
  // #region introspection
  await serve(server, {
    auth: {
      introspection: {
        url: 'https://auth.example.com/oauth2/introspect',
        clientId: 'crm-mcp',
        clientSecret: readFileSync('/run/secrets/introspection', 'utf8').trim(),
        issuer: 'https://auth.example.com',
        audience: 'https://crm.example.com/mcp',
        cacheSeconds: 30,
      },
    },
  })
  // #endregion introspection
}

export async function mtls(server: ToolServer) {
  // #region mtls
  await serve(server, {
    tls: {
      cert: readFileSync('server.crt'),
      key: readFileSync('server.key'),
      ca: readFileSync('clients-ca.crt'), // the CA that signs client certificates
      requestCert: true,
    },
    auth: { mtls: true }, // the client certificate's CN is the identity's subject
  })
  // #endregion mtls
}

export async function verify(server: ToolServer, sessions: Map<string, Identity>) {
  // #region verify
  await serve(server, {
    auth: {
      // Your own check: return the identity, or undefined to answer 401.
      verify: (token) => sessions.get(token),
    },
  })
  // #endregion verify
}

export function bearer(url: string) {
  // #region bearer
  // A fixed token, sent as is on every request:
  const fixed = new MCPServerStreamableHttp({
    params: { url, headers: { Authorization: `Bearer ${process.env.CRM_TOKEN}` } },
  })
  // A token from your code, asked again after a 401 and ahead of its expiry:
  const refreshed = new MCPServerStreamableHttp({
    params: { url },
    auth: async () => ({ token: await vault.read('crm-token'), expiresAt: Date.now() + 15 * 60_000 }),
  })
  // #endregion bearer
  return [fixed, refreshed]
}

declare const vault: { read(name: string): Promise<string> }

export function withClientCredentials(url: string, tokenUrl: string) {
  // #region client-credentials
  const crm = new MCPServerStreamableHttp({
    params: { url },
    auth: clientCredentials({
      tokenUrl, // the authorization server's token endpoint
      clientId: 'sales-agent',
      clientSecret: process.env.CRM_CLIENT_SECRET!,
      scope: 'crm.read',
      audience: 'https://crm.example.com/mcp', // sent as `audience` and RFC 8707 `resource`
    }),
  })
  // #endregion client-credentials
  return crm
}

declare function openBrowserAndWaitForRedirect(url: URL): Promise<string>

export function withOAuth() {
  // #region oauth
  // A user at a browser: authorization code + PKCE, registered dynamically.
  const crm = new MCPServerStreamableHttp({
    params: { url: 'https://crm.example.com/mcp' },
    auth: oauth({
      redirectUrl: 'http://127.0.0.1:8976/callback',
      // Open the URL for the user; resolve with the URL the browser was sent back to.
      authorize: async (url) => openBrowserAndWaitForRedirect(url), // or ...await loopbackAuthorization()
      store: fileOAuthStore(`${process.env.HOME}/.config/my-agent/crm-oauth.json`),
    }),
  })

  // A service without a user: client credentials (a secret, or privateKey for private_key_jwt).
  const nightly = new MCPServerStreamableHttp({
    params: { url: 'https://crm.example.com/mcp' },
    auth: oauth({ clientId: 'nightly-report', clientSecret: process.env.CRM_SECRET!, scope: 'crm.read' }),
  })
  // #endregion oauth
  return [crm, nightly]
}

export async function withLoopback() {
  // #region loopback
  const loopback = await loopbackAuthorization() // 127.0.0.1, any free port, opens the browser
  const crm = new MCPServerStreamableHttp({
    params: { url: 'https://crm.example.com/mcp' },
    auth: oauth({ ...loopback, store: fileOAuthStore(`${process.env.HOME}/.config/my-agent/crm.json`) }),
  })
  await crm.connect() // on the server's 401: prints the URL, opens the browser, waits for the redirect
  // … use crm; when done:
  await crm.close()
  await loopback.close()
  // #endregion loopback
  return crm
}

export function enterpriseManaged(idToken: () => Promise<string>) {
  // #region enterprise
  const crm = new MCPServerStreamableHttp({
    params: { url: 'https://crm.example.com/mcp' },
    auth: oauth({
      clientId: 'sales-agent', // at the MCP server's authorization server
      clientSecret: process.env.CRM_CLIENT_SECRET!,
      identityAssertion: {
        tokenEndpoint: 'https://idp.example.com/oauth2/token', // the company's identity provider
        idToken, // the signed-in user's ID token (or a function returning a current one)
        clientId: 'sales-agent-at-idp',
      },
    }),
  })
  // #endregion enterprise
  return crm
}
