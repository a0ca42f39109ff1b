/**
 * A minimal tool server: `npx tsx examples/echo-server.ts [port]`.
 * Serves both protocol eras (2026-07-28 and 2025) on http://127.0.0.1:<port>/mcp.
 */
import { serve } from 'toolwire/server'

import { server } from './echo-tools.js'

// Port: the first argument, else TOOLWIRE_PORT or PORT, else 3000; other TOOLWIRE_* variables
// (log level, auth, metrics, …) configure the rest without code changes (docs/configuration.md).
// SIGTERM/SIGINT: /ready turns 503, in-flight calls finish, the process exits 0.
const port = process.argv[2]
const running = await serve(server, { ...(port ? { port: Number(port) } : {}), shutdownOnSignals: true })
console.log(`MCP server listening on ${running.url}`)
