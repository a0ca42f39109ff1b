/**
 * Where a test's ToolServer is hosted: `serve()` (node, the default) or, with
 * `TOOLWIRE_MOUNT=web`, `createFetchHandler()` behind `@hono/node-server` (the adapter Hono
 * users run on node). Handler suites import `serve` from here, and vitest's `web` project
 * re-runs them through the web path: one suite, both mounts, the same assertions.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import {
  type RunningServer,
  type ServeOptions,
  serve as serveNode,
  serveOptionsFromEnv,
  ToolwireConfigError,
} from '../../src/server/index.js'
import type { ToolServer } from '../../src/server/tool-server.js'
import { createFetchHandler } from '../../src/server/web/index.js'

export type Mount = 'node' | 'web'

/** The mount this run uses. */
export const MOUNT: Mount = process.env.TOOLWIRE_MOUNT === 'web' ? 'web' : 'node'

/** `serve()` on the mount of this run (see `MOUNT`). */
export function serve(server: ToolServer, options: ServeOptions = {}): Promise<RunningServer> {
  return MOUNT === 'web' ? serveWeb(server, options) : serveNode(server, options)
}

/** A ToolServer hosted through the web handler on a node HTTP server, shaped as `serve()`'s. */
export async function serveWeb(server: ToolServer, given: ServeOptions = {}): Promise<RunningServer> {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ServeOptions
  const options: ServeOptions =
    given.env === false ? defined : { ...serveOptionsFromEnv(given.env ?? process.env), ...defined }
  if (options.tls) throw new Error('the web mount serves plain HTTP only')
  for (const option of ['shutdownTimeoutSeconds', 'drainDelaySeconds'] as const) {
    const value = options[option]
    if (value !== undefined && !(value >= 0)) {
      throw new ToolwireConfigError(`serve: option "${option}" must be a number of seconds ≥ 0, got ${value}`)
    }
  }
  const {
    host = '127.0.0.1',
    port = 3000,
    path = '/mcp',
    shutdownTimeoutSeconds = 10,
    drainDelaySeconds = 0,
    env: _env,
    logLevel: _logLevel,
    shutdownOnSignals: _signals,
    ...handlerOptions
  } = options
  let fetchHandler: ReturnType<typeof createFetchHandler> | undefined
  const listener = getRequestListener(
    (request, env: { incoming: { socket: Socket } }) =>
      fetchHandler!(request, { clientAddress: env.incoming.socket.remoteAddress }),
    { overrideGlobalObjects: false },
  )
  const httpServer: Server = createServer(listener)
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(port, host, () => resolve())
  })
  const address = httpServer.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${path}`
  try {
    fetchHandler = createFetchHandler(server, {
      ...handlerOptions,
      path,
      ...(handlerOptions.publicUrl === undefined ? { publicUrl: url } : {}),
    })
  } catch (error) {
    httpServer.close()
    throw error
  }
  const mcp = fetchHandler
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      void mcp.drain()
      await new Promise((resolve) => setTimeout(resolve, drainDelaySeconds * 1000))
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()))
      const sweep = setInterval(() => httpServer.closeIdleConnections(), 25)
      const deadline = new Promise((resolve) => setTimeout(resolve, shutdownTimeoutSeconds * 1000).unref())
      await Promise.race([mcp.handler.drain(), deadline])
      mcp.close()
      httpServer.closeIdleConnections()
      const cut = setTimeout(() => httpServer.closeAllConnections(), 100)
      await closed
      clearInterval(sweep)
      clearTimeout(cut)
    })()
    return closing
  }
  return {
    url,
    port: address.port,
    httpServer,
    handler: mcp.handler,
    close,
    [Symbol.asyncDispose]: close,
  }
}
