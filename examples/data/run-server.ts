/**
 * Runs an example tool server the way production would: database from DATABASE_URL (else
 * PGlite), seeded if empty, API-key auth, a rate limit, `/ready` pinging the database (each
 * server's readinessCheck), trace-id request logs, graceful shutdown; every option from
 * TOOLWIRE_* variables.
 */
import { hashApiKey, type RunningServer, type ServeOptions, serve, type ToolServer } from 'toolwire/server'
import { type Database, openDatabase } from './database.js'
import { seed } from './seed.js'

export interface ExampleServer {
  running: RunningServer
  db: Database
  close(): Promise<void>
}

export async function runExampleServer(
  make: (db: Database) => ToolServer,
  options: { defaultPort: number; devKey: string; serve?: ServeOptions },
): Promise<ExampleServer> {
  const db = await openDatabase()
  await seed(db)
  const env = process.env
  const server = make(db)
  const running = await serve(server, {
    port: env.TOOLWIRE_PORT || env.PORT ? undefined : options.defaultPort,
    logLevel: env.TOOLWIRE_LOG_LEVEL ? undefined : 'info',
    // Without configured keys, a development key (printed at start) keeps the server closed.
    auth: env.TOOLWIRE_AUTH_API_KEYS
      ? undefined
      : { apiKeys: [{ id: 'dev', sha256: hashApiKey(options.devKey) }] },
    rateLimit: env.TOOLWIRE_RATE_LIMIT_POINTS ? undefined : { points: 600, durationSeconds: 60 },
    ...options.serve,
  } as ServeOptions)
  const key = env.TOOLWIRE_AUTH_API_KEYS ? '(TOOLWIRE_AUTH_API_KEYS)' : options.devKey
  console.error(`${server.info.name} MCP server on ${running.url} (${db.kind}; API key: ${key})`)
  return {
    running,
    db,
    close: async () => {
      await running.close()
      await db.close()
    },
  }
}
