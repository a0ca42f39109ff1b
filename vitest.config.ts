import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * Handler suites the `web` project re-runs through `createFetchHandler()` (test/support/mount.ts):
 * the web handler must keep the node handler's behaviour. The fuzz suite stays node-only (slow,
 * and the web edge adds no parsing of its own).
 */
const WEB_SUITES = [
  'test/transport/server/http-handler.test.ts',
  'test/transport/server/legacy-sessions.test.ts',
  'test/transport/server/subscriptions-listen.test.ts',
  'test/server/auth.test.ts',
  'test/server/client-requests.test.ts',
  'test/server/health.test.ts',
  'test/server/introspection.test.ts',
  'test/server/jwt.test.ts',
  'test/server/limits.test.ts',
  'test/server/metrics.test.ts',
  'test/server/modern-requirements.test.ts',
  'test/server/rate-limit.test.ts',
  'test/server/request-log.test.ts',
  'test/server/resources-prompts.test.ts',
  'test/server/tracing.test.ts',
  'test/adversarial/admission-release.test.ts',
  'test/adversarial/caps.test.ts',
  'test/adversarial/prototype-keys.test.ts',
  'test/adversarial/resumable-memory.test.ts',
  'test/adversarial/session-binding.test.ts',
  'test/adversarial/shutdown-drain.test.ts',
  'test/adversarial/unencodable-results.test.ts',
  'test/interop/sdk-clients-vs-toolwire-server.test.ts',
]

export default defineConfig({
  resolve: {
    // Examples import the package by name; tests run them against the sources (as tsx does via
    // tsconfig paths), never against a stale dist/.
    alias: [
      { find: /^toolwire$/, replacement: source('./src/index.ts') },
      { find: /^toolwire\/server$/, replacement: source('./src/server/index.ts') },
      { find: /^toolwire\/client$/, replacement: source('./src/client/index.ts') },
      { find: /^toolwire\/agent$/, replacement: source('./src/agent/index.ts') },
      { find: /^toolwire\/agent\/testing$/, replacement: source('./src/agent/testing/index.ts') },
      { find: /^toolwire\/openai-agents$/, replacement: source('./src/integrations/openai-agents/index.ts') },
      { find: /^toolwire\/ai-sdk$/, replacement: source('./src/integrations/ai-sdk/index.ts') },
      { find: /^toolwire\/web$/, replacement: source('./src/server/web/index.ts') },
      { find: /^toolwire\/fastify$/, replacement: source('./src/integrations/fastify/index.ts') },
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'web', include: WEB_SUITES, env: { TOOLWIRE_MOUNT: 'web' } } },
    ],
  },
})
