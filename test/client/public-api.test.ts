/**
 * `toolwire/client`'s public surface, from the built package: the runtime exports are exactly
 * these (the types are checked by the compiler wherever tests and examples use them).
 */
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCli } from '../support/cli.js'

const RUNTIME_EXPORTS = [
  'CircuitOpenError',
  'MCPServerStdio',
  'MCPServerStreamableHttp',
  'McpAuthError',
  'McpClosedError',
  'McpConnectionError',
  'McpHttpError',
  'McpProtocolError',
  'McpTaskError',
  'McpTimeoutError',
  'McpToolError',
  'ToolListCache',
  'ToolwireConfigError',
  'ToolwireError',
  'clientCredentials',
  'fileOAuthStore',
  'isToolwireError',
  'loopbackAuthorization',
  'oauth',
  'sharedToolListCache',
]

beforeAll(() => buildCli(), 240_000)

describe('toolwire/client', () => {
  it('the built package exports exactly the documented runtime API', async () => {
    const entry = (await buildCli()).replace(/cli[\\/]main\.js$/, 'client/index.js')
    const built = (await import(pathToFileURL(entry).href)) as Record<string, unknown>
    expect(Object.keys(built).sort()).toEqual([...RUNTIME_EXPORTS].sort())
    const sources = (await import('../../src/client/index.js')) as Record<string, unknown>
    expect(Object.keys(sources).sort()).toEqual([...RUNTIME_EXPORTS].sort())
  })
})
