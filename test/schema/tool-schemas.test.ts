/**
 * The schema kinds a tool may declare — zod 4, any Standard Schema (valibot here), a plain JSON
 * Schema — published in tools/list and enforced on tools/call, over a real server.
 */
import { toJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, serve, ToolServer, ToolwireConfigError } from '../../src/server/index.js'
import { modern, send } from '../support/raw.js'

const city = v.object({ city: v.pipe(v.string(), v.minLength(2)), days: v.optional(v.number(), 1) })

function server() {
  return (
    new ToolServer({ name: 'schemas' })
      .tool(
        'zod',
        {
          input: z.object({ a: z.number().describe('first'), b: z.number() }),
          output: z.object({ sum: z.number() }),
        },
        ({ a, b }) => ({ sum: a + b }),
      )
      .tool('zod_bad_output', { input: z.object({}), output: z.object({ sum: z.number() }) }, () => ({
        sum: 'many',
      }))
      .tool(
        'json',
        {
          input: {
            type: 'object',
            properties: { a: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } } },
            required: ['a'],
            additionalProperties: false,
          },
        },
        (args) => ({ got: args }),
      )
      // A Standard Schema without a converter: its JSON Schema is given; the handler gets its output.
      .tool(
        'valibot',
        { input: city, inputSchema: toJsonSchema(city) },
        ({ city, days }) => `${city} ${days}`,
      )
      .prompt(
        'brief',
        {
          arguments: {
            type: 'object',
            properties: { topic: { type: 'string', description: 'what about' }, tone: { type: 'string' } },
            required: ['topic'],
          },
        },
        (args) => `Brief on ${String(args.topic)}`,
      )
  )
}

let running: RunningServer
beforeAll(async () => {
  running = await serve(server(), { port: 0, env: false })
})
afterAll(() => running.close())

async function call(name: string, args: unknown) {
  const res = await send(running.url, modern('tools/call', { name, arguments: args }))
  expect(res.status).toBe(200)
  return res.json.result as {
    isError?: boolean
    content: Array<{ text: string }>
    structuredContent?: unknown
  }
}

describe('tool schemas', () => {
  it('publishes each kind as JSON Schema 2020-12', async () => {
    const res = await send(running.url, modern('tools/list', {}))
    const tools = res.json.result?.tools as Array<{ name: string; inputSchema: Record<string, unknown> }>
    const byName = new Map(tools.map((t) => [t.name, t]))
    expect(byName.get('zod')?.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } },
      required: ['a', 'b'],
    })
    expect(byName.get('zod')).toMatchObject({ outputSchema: { properties: { sum: { type: 'number' } } } })
    expect(byName.get('json')?.inputSchema).toMatchObject({ type: 'object', required: ['a'] })
    expect(byName.get('valibot')?.inputSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string', minLength: 2 } },
      required: ['city'],
    })
  })

  it('zod: invalid arguments and invalid output are isError results naming the field', async () => {
    expect((await call('zod', { a: 2, b: 3 })).structuredContent).toEqual({ sum: 5 })
    const bad = await call('zod', { a: 'two' })
    expect(bad.isError).toBe(true)
    expect(bad.content[0]?.text).toMatch(
      /^Invalid arguments for tool 'zod': a: Invalid input: expected number.*; b: /,
    )
    const output = await call('zod_bad_output', {})
    expect(output.isError).toBe(true)
    expect(output.content[0]?.text).toContain(
      'does not match its outputSchema: sum: Invalid input: expected number',
    )
  })

  it('plain JSON Schema: validated by toolwire, every field named', async () => {
    expect((await call('json', { a: 1, tags: ['x'] })).structuredContent).toEqual({
      got: { a: 1, tags: ['x'] },
    })
    const bad = await call('json', { tags: ['x', 2], extra: true })
    expect(bad.isError).toBe(true)
    const text = bad.content[0]?.text ?? ''
    expect(text).toMatch(/^Invalid arguments for tool 'json': /)
    expect(text).toContain('a: Required')
    expect(text).toContain('tags.1: Instance type "number" is invalid. Expected "string".')
    expect(text).toContain('(root): Property "extra" does not match additional properties schema.')
  })

  it('a Standard Schema (valibot) validates and transforms: the handler gets its output', async () => {
    expect((await call('valibot', { city: 'Oslo' })).content[0]?.text).toBe('Oslo 1')
    const bad = await call('valibot', { city: 'X' })
    expect(bad.isError).toBe(true)
    expect(bad.content[0]?.text).toMatch(/^Invalid arguments for tool 'valibot': city: Invalid length/)
  })

  it('prompt arguments from a JSON Schema: published with descriptions, validated', async () => {
    const list = await send(running.url, modern('prompts/list', {}))
    expect(list.json.result?.prompts).toEqual([
      {
        name: 'brief',
        arguments: [
          { name: 'topic', description: 'what about', required: true },
          { name: 'tone', required: false },
        ],
      },
    ])
    const bad = await send(running.url, modern('prompts/get', { name: 'brief', arguments: {} }))
    expect(bad.json.error).toMatchObject({
      code: -32602,
      message: "Invalid arguments for prompt 'brief': topic: Required",
    })
  })

  it('refuses at registration what cannot be published, naming the option', () => {
    const tools = new ToolServer({ name: 'x' })
    expect(() => tools.tool('v', { input: city }, () => 'x')).toThrow(
      'ToolServer.tool: tool "v" option "input": this valibot schema cannot produce a JSON Schema; pass "inputSchema" (a JSON Schema object) too (with valibot: toJsonSchema() of @valibot/to-json-schema)',
    )
    expect(() => tools.tool('s', { input: z.string() }, () => 'x')).toThrow(
      'ToolServer.tool: tool "s" option "input" must describe an object (JSON Schema type "object"), got type "string"',
    )
    expect(() => tools.tool('n', { input: 'a string' as never }, () => 'x')).toThrow(ToolwireConfigError)
    // A zod 3 schema (no Standard Schema, a `_def`): the way out is named.
    const zod3 = { _def: {}, safeParse: () => ({}) }
    expect(() => tools.tool('z3', { input: zod3 as never }, () => 'x')).toThrow(
      "is a zod 3 schema: use zod 4 (npm install zod@^4), or on zod 3.25 import { z } from 'zod/v4'",
    )
  })
})
