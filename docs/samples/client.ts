/** docs/client.md: the client's options, calls, events and answers to server requests. */
import type { Logger } from 'pino'
import { clientCredentials, MCPServerStreamableHttp } from 'toolwire/client'
import { ProxyAgent } from 'undici'

interface Setup {
  url: string
  tokenUrl: string
  clientSecret: string
  cert: string
  key: string
  ca: string
  signal: AbortSignal
  log: Logger
}

export async function options({ url, tokenUrl, clientSecret, cert, key, ca, signal, log }: Setup) {
  // #region options
  await using crm = await new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: { url, headers: { 'X-Team': 'sales' }, timeout: 15, sseReadTimeout: 120 },
    auth: clientCredentials({ tokenUrl, clientId: 'sales-agent', clientSecret, scope: 'crm.read' }),
    clientSessionTimeoutSeconds: 30,
    maxRetryAttempts: 3,
    retryBackoffSecondsBase: 1,
    circuitBreaker: { failureThreshold: 5, resetTimeoutSeconds: 30 },
    cacheToolsList: true,
    tls: { cert, key, ca }, // mTLS, when the server asks for a client certificate
    toolFilter: { blocked: ['delete_account'] },
  }).connect()

  const tools = await crm.listTools()
  const result = await crm.callTool(
    'search_contacts',
    { query: 'acme' },
    {
      signal, // abort: closes the stream (2026-07-28) / sends notifications/cancelled (2025)
      onProgress: (p) => console.log(p.progress, p.total),
      timeoutSeconds: 60, // this call only
    },
  )
  console.log(result.traceId) // W3C trace id, also in the traceparent header the server saw
  crm.on('retry', ({ method, attempt, delaySeconds }) =>
    log.warn({ method, attempt, delaySeconds }, 'retrying'),
  )
  // #endregion options
  return tools
}

export async function callOptions(crm: MCPServerStreamableHttp) {
  // #region call-options
  const result = await crm.callTool(
    'export_report',
    { quarter: '2026-Q2' },
    {
      onProgress: ({ progress, total, message }) =>
        console.log(`${progress}/${total ?? '?'} ${message ?? ''}`),
      onLog: ({ level, data }) => console.log(`[${level}]`, data), // the server's ctx.log() for this call
      logLevel: 'debug',
      idempotent: true, // safe to repeat: retried even after the request may have reached the server
    },
  )
  // #endregion call-options
  return result
}

declare function askUser(message: string, schema: unknown): Promise<Record<string, string | number | boolean>>
declare function callYourModel(params: unknown): Promise<{
  role: 'assistant'
  content: { type: 'text'; text: string }
  model: string
}>

export function handlers(url: string) {
  // #region handlers
  const crm = new MCPServerStreamableHttp({
    params: { url },
    handlers: {
      elicitation: async ({ message, requestedSchema }) => ({
        action: 'accept',
        content: await askUser(message, requestedSchema),
      }),
      sampling: async (params) => callYourModel(params), // returns a CreateMessageResult
      roots: () => [{ uri: 'file:///workspace', name: 'workspace' }],
    },
  })
  // #endregion handlers
  return crm
}

export function events(crm: MCPServerStreamableHttp, log: Logger) {
  // #region events
  crm.on('retry', ({ method, attempt, delaySeconds, error }) =>
    log.warn({ method, attempt, delaySeconds, err: error.message }, 'retrying'),
  )
  crm.on('breakerOpen', ({ failures }) => log.error({ failures }, 'CRM circuit open'))
  crm.on('breakerClose', () => log.info('CRM circuit closed'))
  crm.on('reconnect', ({ reason }) => log.info({ reason }, 'CRM reconnected'))
  crm.on('tokenRefresh', () => log.debug('CRM token refreshed'))
  // #endregion events
}

export function proxy(url: string) {
  // #region dispatcher
  const crm = new MCPServerStreamableHttp({
    params: { url },
    dispatcher: new ProxyAgent('http://proxy.internal:3128'), // any undici Dispatcher
  })
  // #endregion dispatcher
  return crm
}
