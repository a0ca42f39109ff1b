/**
 * The CRM tool server: `npm run example:crm` (port 3001; DATABASE_URL or PGlite; TOOLWIRE_*
 * variables configure auth, rate limits, logs, TLS — see docs/configuration.md).
 */
import { runExampleServer } from '../data/run-server.js'
import { crmServer } from './tools.js'

await runExampleServer(crmServer, {
  defaultPort: 3001,
  devKey: 'dev-crm-key',
  serve: { shutdownOnSignals: true },
})
