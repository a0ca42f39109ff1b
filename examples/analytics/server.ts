/**
 * The analytics tool server: `npm run example:analytics` (port 3002; DATABASE_URL or PGlite;
 * TOOLWIRE_* variables configure auth, rate limits, logs, TLS — see docs/configuration.md).
 */
import { runExampleServer } from '../data/run-server.js'
import { analyticsServer } from './tools.js'

await runExampleServer(analyticsServer, {
  defaultPort: 3002,
  devKey: 'dev-analytics-key',
  serve: { shutdownOnSignals: true },
})
