/**
 * A Fastify plugin serving a ToolServer. Fastify reads and parses request bodies before route
 * handlers run, so handing `request.raw` to the node handler would leave it waiting for a body
 * that was already consumed (until the client times out). The plugin therefore gives its route a
 * content-type parser that reads nothing: the handler reads the raw body itself, with its own
 * `maxBodyBytes`, 413 and JSON-RPC parse errors, exactly as under `node:http`.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { ToolwireConfigError } from '../../protocol/errors.js'
import type { McpHttpHandler, ToolServer, ToolServerHandlerOptions } from '../../server/index.js'

/** What the plugin serves: a ToolServer (with handler options), or a handler you built (to broadcast). */
export type FastifyMcpOptions = FastifyMcpRoute &
  (
    | ({ server: ToolServer; handler?: never } & ToolServerHandlerOptions)
    | { handler: McpHttpHandler; server?: never }
  )

export interface FastifyMcpRoute {
  /** Route path of the MCP endpoint (under the plugin's prefix). @default '/mcp' */
  path?: string
  /**
   * When Fastify closes: how long calls in flight may finish before they are cancelled, in
   * seconds (notification streams end at once, new requests get 503 meanwhile). @default 10
   */
  shutdownTimeoutSeconds?: number
}

/** The methods routed to the handler: GET, POST and DELETE, and 405 for PUT and PATCH as on node. */
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH']

/**
 * Registers the MCP endpoint on a Fastify instance. Pass `handler: server.handler(options)`
 * instead of `server` to keep the handler (`broadcast`, `resourceUpdated`, counts) at hand.
 *
 * @example
 * ```ts
 * const app = Fastify()
 * await app.register(fastifyMcp, { server, path: '/mcp', auth: { apiKeys } })
 * await app.listen({ port: 3000 })
 * ```
 */
export const fastifyMcp: FastifyPluginAsync<FastifyMcpOptions> = async (
  fastify: FastifyInstance,
  options,
) => {
  const { path = '/mcp', shutdownTimeoutSeconds = 10 } = options
  if (!(shutdownTimeoutSeconds >= 0)) {
    throw new ToolwireConfigError(
      `fastifyMcp: option "shutdownTimeoutSeconds" must be a number of seconds ≥ 0, got ${shutdownTimeoutSeconds}`,
    )
  }
  const handler = handlerOf(options)
  // This plugin's context only (no fastify-plugin wrapper): other routes keep their parsers.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null))
  fastify.route({
    method: METHODS,
    url: path,
    handler: (request, reply) => {
      reply.hijack()
      handler(request.raw, reply.raw)
    },
  })
  fastify.addHook('preClose', async () => {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      handler.drain(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, shutdownTimeoutSeconds * 1000)
      }),
    ])
    clearTimeout(timer)
    handler.close()
  })
  fastify.addHook('onClose', async () => handler.close())
}

function handlerOf(options: FastifyMcpOptions): McpHttpHandler {
  if (options.handler) {
    if (typeof options.handler !== 'function') {
      throw new ToolwireConfigError('fastifyMcp: option "handler" must be an MCP handler (server.handler())')
    }
    return options.handler
  }
  // Fastify's own plugin options (prefix, logLevel) and the route's are not the handler's.
  const { server, path: _path, shutdownTimeoutSeconds: _timeout, ...rest } = options
  const {
    prefix: _prefix,
    logLevel: _logLevel,
    ...handlerOptions
  } = rest as typeof rest & {
    prefix?: string
    logLevel?: string
  }
  if (!server || typeof server.handler !== 'function') {
    throw new ToolwireConfigError('fastifyMcp: option "server" must be a ToolServer (or pass "handler")')
  }
  return server.handler(handlerOptions)
}
