/**
 * The client command the MCP conformance suite drives: it appends the server URL and sets
 * MCP_CONFORMANCE_SCENARIO. Built only with toolwire's public API.
 *   npx tsx examples/conformance/client.ts http://localhost:3000/mcp
 */
import { MCPServerStreamableHttp, oauth } from 'toolwire/client'

const url = process.argv[2]
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? 'initialize'
if (!url) {
  console.error('usage: client.ts <server-url>   (MCP_CONFORMANCE_SCENARIO names the scenario)')
  process.exit(2)
}

// Auth scenarios pass credentials in MCP_CONFORMANCE_CONTEXT (client_id, client_secret,
// private_key_pem, signing_algorithm); the others never challenge, and oauth() stays idle.
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as Record<string, string | undefined>

const server = new MCPServerStreamableHttp({
  name: `conformance ${scenario}`,
  params: { url, timeout: 10, sseReadTimeout: 30 },
  clientSessionTimeoutSeconds: 30,
  // The suite's servers speak the 2025 revisions.
  protocolEra: 'legacy',
  clientInfo: { name: 'toolwire-conformance-client', version: '1.0.0' },
  auth: oauth({
    ...(context.client_id ? { clientId: context.client_id } : {}),
    ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
    ...(context.private_key_pem ? { privateKey: context.private_key_pem } : {}),
    ...(context.signing_algorithm ? { signingAlgorithm: context.signing_algorithm } : {}),
    ...(context.idp_token_endpoint && context.idp_id_token && context.idp_client_id
      ? {
          identityAssertion: {
            tokenEndpoint: context.idp_token_endpoint,
            idToken: context.idp_id_token,
            clientId: context.idp_client_id,
          },
        }
      : {}),
    clientName: 'toolwire-conformance-client',
    clientMetadataUrl: 'https://conformance-test.local/client-metadata.json',
    redirectUrl: 'http://localhost:3000/callback',
    // Headless: the suite's authorization server approves at once and redirects; follow it
    // without a browser and hand back where it sent us.
    authorize: async (url) => {
      const res = await fetch(url, { redirect: 'manual' })
      const location = res.headers.get('location')
      if (!location) throw new Error(`the authorization endpoint answered ${res.status} without a redirect`)
      return location
    },
  }),
  handlers: {
    // Accept with nothing filled in: toolwire applies the schema's defaults (SEP-1034).
    elicitation: () => ({ action: 'accept', content: {} }),
    sampling: () => ({
      role: 'assistant',
      content: { type: 'text', text: 'conformance answer' },
      model: 'none',
    }),
    roots: () => [{ uri: 'file:///tmp', name: 'tmp' }],
  },
})

const args: Record<string, Record<string, unknown>> = { add_numbers: { a: 5, b: 3 } }

try {
  await server.connect()
  const tools = await server.listTools()
  console.log(`${scenario}: ${tools.length} tools: ${tools.map((t) => t.name).join(', ')}`)
  if (scenario !== 'initialize') {
    for (const tool of tools) {
      const result = await server.callTool(tool.name, args[tool.name] ?? {})
      console.log(`${tool.name} → ${JSON.stringify(result.content)}`)
    }
  }
} finally {
  await server.close()
}
