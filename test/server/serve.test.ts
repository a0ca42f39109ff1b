import { once } from 'node:events'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { serve, ToolwireConfigError } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { modern, send } from '../support/raw.js'

describe('serve()', () => {
  it('rejects invalid options with a message naming the option', async () => {
    await expect(serve(echoServer(), { port: 70_000 })).rejects.toThrow(ToolwireConfigError)
    await expect(serve(echoServer(), { port: 70_000 })).rejects.toThrow(
      'option "port" must be an integer from 0 to 65535',
    )
    await expect(serve(echoServer(), { path: 'mcp' })).rejects.toThrow('option "path" must start with "/"')
  })

  it('close() lets an in-flight call finish, then closes connections that carry no request', async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    // A long grace period: if close() waited for idle connections to time out, this test would time out.
    const running = await serve(echoServer(probe), { port: 0, shutdownTimeoutSeconds: 60 })
    const idle = connect(running.port, '127.0.0.1')
    await once(idle, 'connect')
    const idleClosed = once(idle, 'close')
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      clientSessionTimeoutSeconds: 20,
    }).connect()
    const inFlight = client.callTool('wait', { id: 'during-shutdown', ms: 300 })
    await expect.poll(() => probe.started).toContain('during-shutdown')
    await running.close()
    await idleClosed
    expect((await inFlight).content).toEqual([{ type: 'text', text: 'waited during-shutdown' }])
    expect(probe.aborted).toEqual([])
    await expect(send(running.url, modern('ping'))).rejects.toThrow()
  })
})
