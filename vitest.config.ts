import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

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
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
