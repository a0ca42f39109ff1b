/** `toolwire/web`: host a ToolServer on web-standard runtimes (Bun, Deno, Workers, Hono, Next.js). */
export {
  createFetchHandler,
  type FetchHandler,
  type FetchHandlerOptions,
  type FetchRequestContext,
} from './fetch-handler.js'
