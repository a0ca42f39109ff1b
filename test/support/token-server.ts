/** A local OAuth 2.0 token endpoint (client-credentials grant) that counts what it is asked. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listen, type TestHttpServer } from './sdk-servers.js'

export interface TokenServer extends TestHttpServer {
  requests: Array<{ authorization: string | undefined; form: URLSearchParams }>
  /** Seconds the issued tokens live. */
  expiresIn: number
  /** Answer requests slowly, so concurrent callers pile up. */
  delayMs: number
  issued: string[]
}

export async function startTokenServer(client: { id: string; secret: string }): Promise<TokenServer> {
  const requests: TokenServer['requests'] = []
  const issued: string[] = []
  const state = { expiresIn: 3600, delayMs: 0 }
  const server = await listen(
    async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
      const form = new URLSearchParams(Buffer.concat(chunks).toString())
      requests.push({ authorization: req.headers.authorization, form })
      await new Promise((resolve) => setTimeout(resolve, state.delayMs))
      const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`
      const ok =
        form.get('grant_type') === 'client_credentials' &&
        (req.headers.authorization === basic ||
          (form.get('client_id') === client.id && form.get('client_secret') === client.secret))
      res.setHeader('content-type', 'application/json')
      if (!ok) {
        res
          .writeHead(401)
          .end(JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' }))
        return
      }
      const token = `tok-${issued.length + 1}`
      issued.push(token)
      res
        .writeHead(200)
        .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: state.expiresIn }))
    },
    { path: '/oauth/token' },
  )
  return Object.defineProperties(Object.assign(server, { requests, issued }), {
    expiresIn: {
      get: () => state.expiresIn,
      set: (v: number) => {
        state.expiresIn = v
      },
    },
    delayMs: {
      get: () => state.delayMs,
      set: (v: number) => {
        state.delayMs = v
      },
    },
  }) as TokenServer
}
