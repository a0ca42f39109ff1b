/** `toolwire/fastify`: a Fastify plugin serving a ToolServer (needs `fastify` 5, an optional peer). */
export { type FastifyMcpOptions, fastifyMcp } from './fastify-mcp.js'
