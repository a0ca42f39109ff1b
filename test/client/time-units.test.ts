/** Client time options are seconds: a value that only makes sense in milliseconds is refused, naming the unit. */
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp, ToolwireConfigError } from '../../src/client/index.js'

const url = 'http://127.0.0.1:1/mcp'
const make = (options: Partial<ConstructorParameters<typeof MCPServerStreamableHttp>[0]>) => () =>
  new MCPServerStreamableHttp({ params: { url }, ...options })

describe('time units', () => {
  it.each([
    [
      { clientSessionTimeoutSeconds: 30_000 },
      'option "clientSessionTimeoutSeconds" is in seconds: 30000 is 8.3 hours',
      'write clientSessionTimeoutSeconds: 30',
    ],
    [
      { params: { url, timeout: 5000 } },
      'option "params.timeout" is in seconds: 5000 is 1.4 hours',
      'write params.timeout: 5',
    ],
    [
      { params: { url, sseReadTimeout: 300_000 } },
      'option "params.sseReadTimeout" is in seconds',
      'write params.sseReadTimeout: 300',
    ],
    [
      { retryBackoffSecondsBase: 5000 },
      'option "retryBackoffSecondsBase" is in seconds',
      'write retryBackoffSecondsBase: 5',
    ],
  ])('%o is refused: it looks like milliseconds', (options, what, fix) => {
    const build = make(options)
    expect(build).toThrow(ToolwireConfigError)
    expect(build).toThrow(what)
    expect(build).toThrow(`it looks like milliseconds: if you meant`)
    expect(build).toThrow(fix)
  })

  it('plausible values, tiny ones included, are accepted', () => {
    expect(
      make({ clientSessionTimeoutSeconds: 0.05, params: { url, timeout: 3600, sseReadTimeout: 86_400 } }),
    ).not.toThrow()
    expect(make({ retryBackoffSecondsBase: 0.01, retryBackoffSecondsMax: 600 })).not.toThrow()
  })
})
