import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Examples import the package by name; tests run them against the sources (as tsx does via
    // tsconfig paths), never against a stale dist/.
    alias: {
      'toolwire/server': fileURLToPath(new URL('./src/server/index.ts', import.meta.url)),
      'toolwire/client': fileURLToPath(new URL('./src/client/index.ts', import.meta.url)),
      'toolwire/agent/testing': fileURLToPath(new URL('./src/agent/testing/index.ts', import.meta.url)),
      'toolwire/agent': fileURLToPath(new URL('./src/agent/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
