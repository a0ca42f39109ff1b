/** The client side of basic/patterns (mrtr, cancellation, progress) and client/*: toolwire's client against a peer. */
import { describe, expect } from 'vitest'
import { type ClientRequestHandlers, McpTimeoutError } from '../../src/client/index.js'
import { clientFor, type Peer, type Route, startPeer } from './peer.js'
import { type Json, metaOf, spec } from './suite.js'

const done = { resultType: 'complete', content: [{ type: 'text', text: 'done' }] }
const formRequest = {
  method: 'elicitation/create',
  params: {
    mode: 'form',
    message: 'Name?',
    requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
  },
}
const answerForm: ClientRequestHandlers = {
  elicitation: () => ({ action: 'accept', content: { name: 'Ada' } }),
}

/** tools/call answers `first` (an input_required result) until the retry carries answers or state. */
function roundTrip(first: Json | ((peer: Peer) => Json)): Route {
  return (seen, peer) => {
    const params = seen.body?.params ?? {}
    if ('inputResponses' in params || 'requestState' in params) return { result: done }
    return {
      result: { resultType: 'input_required', ...(typeof first === 'function' ? first(peer) : first) },
    }
  }
}

describe('basic/patterns/mrtr (client)', () => {
  spec(
    'basic/patterns/mrtr: client MUST answer the inputRequests and echo requestState exactly on the retry',
    async () => {
      const state = '  opaque/state+== with spaces '
      await using peer = await startPeer({
        'tools/call': roundTrip({ inputRequests: { who: formRequest }, requestState: state }),
      })
      await using client = clientFor(peer, { handlers: answerForm }).client
      expect((await client.callTool('echo', {})).content).toEqual(done.content)
      const retry = peer.calls('tools/call')[1]?.body?.params
      expect(retry).toMatchObject({
        inputResponses: { who: { action: 'accept', content: { name: 'Ada' } } },
        requestState: state,
      })
    },
  )

  spec(
    'basic/patterns/mrtr: the retry MUST use a different JSON-RPC id than the original request',
    async () => {
      await using peer = await startPeer({
        'tools/call': roundTrip({ inputRequests: { who: formRequest }, requestState: 's' }),
      })
      await using client = clientFor(peer, { handlers: answerForm }).client
      await client.callTool('echo', {})
      const [first, second] = peer.calls('tools/call')
      expect(second?.body?.id).not.toBe(first?.body?.id)
    },
  )

  spec(
    'basic/patterns/mrtr: client MUST NOT include requestState in the retry when the server sent none',
    async () => {
      await using peer = await startPeer({ 'tools/call': roundTrip({ inputRequests: { who: formRequest } }) })
      await using client = clientFor(peer, { handlers: answerForm }).client
      await client.callTool('echo', {})
      expect(peer.calls('tools/call')[1]?.body?.params).not.toHaveProperty('requestState')
    },
  )

  spec(
    'basic/patterns/mrtr: client MAY retry at once an InputRequiredResult that carries only requestState',
    async () => {
      await using peer = await startPeer({ 'tools/call': roundTrip({ requestState: 'come back later' }) })
      await using client = clientFor(peer).client
      expect((await client.callTool('echo', {})).content).toEqual(done.content)
      expect(peer.calls('tools/call')[1]?.body?.params?.requestState).toBe('come back later')
    },
  )

  spec(
    'basic/patterns/mrtr: inputResponses and requestState MUST NOT be used for any other request',
    async () => {
      await using peer = await startPeer({
        'tools/call': roundTrip({ inputRequests: { who: formRequest }, requestState: 's' }),
      })
      await using client = clientFor(peer, { handlers: answerForm }).client
      await client.callTool('echo', {})
      await client.listTools()
      const later = [...peer.calls('tools/list'), ...peer.calls('tools/call').slice(2)]
      for (const s of later) expect(Object.keys(s.body?.params ?? {})).not.toContain('requestState')
    },
  )
})

describe('client/elicitation, client/sampling, client/roots (client)', () => {
  const declared = async (handlers: ClientRequestHandlers) => {
    await using peer = await startPeer()
    await using client = await clientFor(peer, { handlers }).client.connect()
    await client.callTool('echo', {})
    return peer.seen.map((s) => metaOf(s.body?.params)['io.modelcontextprotocol/clientCapabilities'] as Json)
  }

  spec(
    'client/elicitation: clients MUST declare elicitation (with at least one mode) on each request',
    async () => {
      for (const caps of await declared(answerForm)) {
        const modes = Object.keys((caps.elicitation ?? {}) as Json)
        expect(caps.elicitation).toBeTypeOf('object')
        expect(modes.length === 0 || modes.some((m) => m === 'form' || m === 'url')).toBe(true)
      }
    },
  )

  spec('client/sampling: clients MUST declare the sampling capability on each request', async () => {
    const caps = await declared({
      sampling: () => ({ role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' }),
    })
    for (const c of caps) expect(c.sampling).toBeTypeOf('object')
  })

  spec('client/roots: clients MUST declare the roots capability on each request', async () => {
    for (const c of await declared({ roots: () => [{ uri: 'file:///work' }] }))
      expect(c.roots).toBeTypeOf('object')
  })

  spec(
    'client/elicitation: clients MUST treat an elicitation request without mode as form mode',
    async () => {
      const { mode: _mode, ...noMode } = formRequest.params
      const asked: unknown[] = []
      await using peer = await startPeer({
        'tools/call': roundTrip({ inputRequests: { who: { method: 'elicitation/create', params: noMode } } }),
      })
      await using client = clientFor(peer, {
        handlers: {
          elicitation: (p) => {
            asked.push(p)
            return { action: 'decline' }
          },
        },
      }).client
      expect((await client.callTool('echo', {})).content).toEqual(done.content)
      expect(asked).toHaveLength(1)
    },
  )

  spec('client/elicitation: clients MUST NOT pre-fetch the URL of a url-mode elicitation', async () => {
    const url = (peer: Peer) => ({
      method: 'elicitation/create',
      params: {
        mode: 'url',
        message: 'Sign in',
        url: peer.url.replace('/mcp', '/consent'),
        elicitationId: 'e1',
      },
    })
    await using peer = await startPeer({
      'tools/call': roundTrip((p) => ({ inputRequests: { consent: url(p) } })),
    })
    await using client = clientFor(peer, { handlers: answerForm }).client
    await client.callTool('echo', {}).catch(() => {})
    expect(peer.seen.filter((s) => s.url !== '/mcp')).toEqual([])
  })

  spec(
    'client/sampling: a client without sampling.tools MUST refuse a tool-enabled sampling request',
    async () => {
      let sampled = 0
      const sampling = {
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
          maxTokens: 5,
          tools: [{ name: 'x', inputSchema: { type: 'object' } }],
        },
      }
      await using peer = await startPeer({ 'tools/call': roundTrip({ inputRequests: { s: sampling } }) })
      await using client = clientFor(peer, {
        handlers: {
          sampling: () => {
            sampled++
            return { role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' }
          },
        },
      }).client
      await expect(client.callTool('echo', {})).rejects.toThrow()
      expect(sampled).toBe(0)
    },
  )
})

describe('basic/patterns/cancellation and progress (client)', () => {
  const hang: Route = () => ({
    custom: (res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders(),
  })

  spec(
    'basic/patterns/cancellation: on a timeout the client SHOULD cancel by closing the response stream',
    async () => {
      await using peer = await startPeer({ 'tools/call': hang })
      await using client = clientFor(peer).client
      await expect(client.callTool('echo', {}, { timeoutSeconds: 0.2 })).rejects.toBeInstanceOf(
        McpTimeoutError,
      )
      await expect.poll(() => peer.calls('tools/call')[0]?.closedEarly).toBe(true)
    },
  )

  spec(
    'basic/patterns/cancellation: on Streamable HTTP the client cancels without sending notifications/cancelled',
    async () => {
      await using peer = await startPeer({ 'tools/call': hang })
      await using client = clientFor(peer).client
      const controller = new AbortController()
      const pending = client.callTool('echo', {}, { signal: controller.signal })
      await expect.poll(() => peer.calls('tools/call').length).toBe(1)
      controller.abort()
      await expect(pending).rejects.toThrow()
      await client.listTools()
      expect(peer.seen.filter((s) => s.body?.method === 'notifications/cancelled')).toEqual([])
    },
  )

  spec('basic/patterns/progress: progress tokens MUST be unique across active requests', async () => {
    await using peer = await startPeer({
      'tools/call': (s) => {
        const token = metaOf(s.body?.params).progressToken
        return {
          sse: [
            {
              jsonrpc: '2.0',
              method: 'notifications/progress',
              params: { progressToken: token, progress: 1 },
            },
          ],
          result: done,
        }
      },
    })
    await using client = clientFor(peer).client
    const seen: number[] = []
    await Promise.all(
      [1, 2, 3].map(() => client.callTool('echo', {}, { onProgress: (p) => seen.push(p.progress) })),
    )
    const tokens = peer.calls('tools/call').map((s) => metaOf(s.body?.params).progressToken)
    expect(new Set(tokens).size).toBe(3)
    expect(seen).toEqual([1, 1, 1])
  })
})
