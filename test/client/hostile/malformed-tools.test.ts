/**
 * Hostile resource servers, items 6–8 of issue 21 and 9 of issue 20: malformed tool
 * definitions, unbounded descriptions and schemas, endless or looping pagination. Each case
 * runs against both protocol eras and asserts typed errors and bounded counts.
 */
import { describe, expect, it, vi } from 'vitest'
import { Agent, Runner } from '../../../src/agent/index.js'
import { ScriptedModel } from '../../../src/agent/testing/index.js'
import { MCPServerStreamableHttp, McpProtocolError, ToolwireConfigError } from '../../../src/client/index.js'
import { startHostileServer } from '../../support/hostile-server.js'

const good = { name: 'good', description: 'fine', inputSchema: { type: 'object', properties: {} } }

/** The JSON text of `{ type: 'object', properties: { a: { … } } }`, `levels` deep (too deep to build with JSON.stringify). */
function deepSchemaJson(levels: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`
}

describe.each(['modern', 'legacy'] as const)('hostile tool definitions (%s era)', (era) => {
  it('6: malformed tools are skipped with a warning naming server and tool; the run goes on', async () => {
    await using server = await startHostileServer({
      era,
      tools: [
        { name: 'null_schema', inputSchema: null },
        { name: 'no_schema' },
        { name: 42, inputSchema: { type: 'object' } },
        { name: 'array_schema', inputSchema: { type: 'array' } },
        'DEEP',
        'not an object',
        good,
      ],
    })
    // Written by hand: the deep schema is spliced into the JSON text.
    server.behave.set('tools/list', (x) => {
      const list = JSON.stringify(x.result({ tools: server.tools })).replace(
        '"DEEP"',
        `{"name":"deep","inputSchema":${deepSchemaJson(3000)}}`,
      )
      x.res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"jsonrpc":"2.0","id":${JSON.stringify(x.message.id)},"result":${list}}`)
    })
    const warnings: string[] = []
    await using client = new MCPServerStreamableHttp({
      name: 'Evil',
      params: { url: server.url },
      protocolEra: era === 'modern' ? 'modern' : 'legacy',
      onWarning: (w) => warnings.push(w),
    })
    expect((await client.listTools()).map((t) => t.name)).toEqual(['good'])
    expect(warnings).toEqual([
      'tool "null_schema" was skipped: its inputSchema is missing or not an object',
      'tool "no_schema" was skipped: its inputSchema is missing or not an object',
      'a tool named number was skipped: a name must be a printable string of 1 to 256 characters',
      'tool "array_schema" was skipped: its inputSchema has type "array", not "object"',
      'tool "deep" was skipped: its inputSchema is nested deeper than 64 levels (toolListLimits.maxSchemaDepth)',
      'a tool definition that is not an object was skipped',
    ])
    // The default warning names the server (and the tool).
    const printed = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      await using quiet = new MCPServerStreamableHttp({ name: 'Evil', params: { url: server.url } })
      await quiet.listTools()
      expect(printed.mock.calls.map((c) => String(c[0]))).toContain(
        'toolwire [Evil]: tool "null_schema" was skipped: its inputSchema is missing or not an object',
      )
    } finally {
      printed.mockRestore()
    }
    // An agent over it reaches its first model turn with the good tool.
    const model = new ScriptedModel([{ answer: 'done' }])
    const result = await Runner.run(new Agent({ name: 'A', model, mcpServers: [client] }), 'hi')
    expect(result.finalOutput).toBe('done')
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(['good'])
  })

  it('6: a 150,000-tool page is a typed error, never a RangeError', async () => {
    await using server = await startHostileServer({
      era,
      tools: Array.from({ length: 150_000 }, (_, i) => ({ name: `t${i}`, inputSchema: { type: 'object' } })),
    })
    await using client = new MCPServerStreamableHttp({ params: { url: server.url }, maxRetryAttempts: 0 })
    const error = await client.listTools().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpProtocolError)
    expect(String(error)).toContain('tools/list returned more than 1000 tools (toolListLimits.maxTools)')
  })

  it('7: descriptions are cut to the documented limit, control and bidi characters neutralized, with a warning', async () => {
    await using server = await startHostileServer({
      era,
      tools: [
        { name: 'huge', description: 'x'.repeat(1024 * 1024), inputSchema: { type: 'object' } },
        {
          name: 'sneaky',
          title: 'Ti\u001b]0;pwned\u0007tle',
          description: 'Reads \u001b[2Jfiles\u202etxt.exe\nsecond line',
          inputSchema: { type: 'object' },
        },
        { name: 'big_schema', inputSchema: { type: 'object', description: 'y'.repeat(70_000) } },
      ],
    })
    const warnings: string[] = []
    await using client = new MCPServerStreamableHttp({
      params: { url: server.url },
      onWarning: (w) => warnings.push(w),
    })
    const tools = await client.listTools()
    expect(tools.map((t) => t.name)).toEqual(['huge', 'sneaky'])
    expect(tools[0]!.description).toHaveLength(4097) // 4,096 characters and an ellipsis
    expect(tools[1]!.description).toBe('Reads \\u{1b}[2Jfiles\\u{202e}txt.exe\nsecond line')
    expect(tools[1]!.title).toBe('Ti\\u{1b}]0;pwned\\u{7}tle')
    expect(warnings).toEqual([
      'tool "huge": its description of 1048576 characters was cut to 4096 (toolListLimits.maxDescriptionChars)',
      expect.stringMatching(
        /^tool "big_schema" was skipped: its inputSchema is \d+ bytes, more than 65536 \(toolListLimits\.maxSchemaBytes\)$/,
      ),
    ])
    // The default warning prints server-supplied names made safe for a terminal.
    server.tools = [{ name: 'evil\u001b[2J\u202e', inputSchema: { type: 'object' } }, good]
    const printed = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      await using quiet = new MCPServerStreamableHttp({ name: 'Evil', params: { url: server.url } })
      expect((await quiet.listTools()).map((t) => t.name)).toEqual(['good'])
      const lines = printed.mock.calls.map((c) => String(c[0]))
      expect(lines).toEqual([
        'toolwire [Evil]: a tool named "evil\\u{1b}[2J\\u{202e}" was skipped: a name must be a printable string of 1 to 256 characters',
      ])
      expect(lines.join('')).not.toContain('\u001b')
      expect(lines.join('')).not.toContain('\u202e')
    } finally {
      printed.mockRestore()
    }
    server.tools = [
      { name: 'huge', description: 'x'.repeat(1024 * 1024), inputSchema: { type: 'object' } },
      { name: 'sneaky', description: 'Reads \u001b[2Jfiles', inputSchema: { type: 'object' } },
    ]
    // What reaches the model is bounded too.
    const model = new ScriptedModel([{ answer: 'ok' }])
    await Runner.run(new Agent({ name: 'A', model, mcpServers: [client] }), 'hi')
    expect(JSON.stringify(model.requests[0]!.tools).length).toBeLessThan(8_000)
  })

  it('8: endless fresh cursors stop at the page cap with a clear error; a looping cursor at its second sight', async () => {
    await using server = await startHostileServer({ era })
    let page = 0
    server.behave.set('tools/list', (x) =>
      x.json(
        x.result({
          tools: [{ name: `t${page}`, inputSchema: { type: 'object' } }],
          nextCursor: `c${page++}`,
        }),
      ),
    )
    await using client = new MCPServerStreamableHttp({ params: { url: server.url } })
    const endless = await client.listTools().catch((e: unknown) => e)
    expect(endless).toBeInstanceOf(McpProtocolError)
    expect(String(endless)).toContain('tools/list still had more pages after 100 (toolListLimits.maxPages)')
    expect(server.hits.get('tools/list')).toBe(100)
    server.behave.set('tools/list', (x) => x.json(x.result({ tools: [], nextCursor: 'same' })))
    const looping = await client.listTools().catch((e: unknown) => e)
    expect(String(looping)).toContain(
      'tools/list returned the cursor "same" a second time: the server pages in a loop',
    )
    expect(server.hits.get('tools/list')).toBe(100 + 2)
    // The cap is an option, validated.
    await using small = new MCPServerStreamableHttp({
      params: { url: server.url },
      toolListLimits: { maxPages: 3 },
    })
    server.behave.set('tools/list', (x) => x.json(x.result({ tools: [], nextCursor: `c${page++}` })))
    await expect(small.listTools()).rejects.toThrow('after 3 (toolListLimits.maxPages)')
    expect(
      () => new MCPServerStreamableHttp({ params: { url: server.url }, toolListLimits: { maxPages: 0 } }),
    ).toThrow(ToolwireConfigError)
  })

  it('issue 20 #9: an empty-string nextCursor is a cursor, not the end of the list', async () => {
    await using server = await startHostileServer({ era })
    const asked: unknown[] = []
    server.behave.set('tools/list', (x) => {
      const cursor = x.message.params?.cursor
      asked.push(cursor)
      if (cursor === undefined) return x.json(x.result({ tools: [good], nextCursor: '' }))
      x.json(x.result({ tools: [{ ...good, name: 'second' }] }))
    })
    await using client = new MCPServerStreamableHttp({ params: { url: server.url } })
    expect((await client.listTools()).map((t) => t.name)).toEqual(['good', 'second'])
    expect(asked).toEqual([undefined, ''])
  })
})
