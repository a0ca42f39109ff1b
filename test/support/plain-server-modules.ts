/**
 * Child process of test/server/lazy-packages.test.ts: serves a plain server (tools in plain JSON
 * Schema, no auth, logs, metrics, store or TLS), answers a call in each era, then prints the
 * packages and node built-ins the process loaded, as one JSON line.
 */
import { createRequire, register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'

const loaded = new Set<string>()
const { port1, port2 } = new MessageChannel()
port1.on('message', (url: string) => loaded.add(url))
port1.unref()
// Every ES module the loader loads from here on is reported (CommonJS ones are in require.cache).
register(
  `data:text/javascript,${encodeURIComponent(`
    let port
    export function initialize(data) { port = data.port }
    export async function load(url, context, next) { port.postMessage(url); return next(url, context) }
  `)}`,
  { data: { port: port2 }, transferList: [port2] },
)

const { serve, ToolServer } = await import('../../src/server/index.js')
const input = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }
const tools = new ToolServer({ name: 'plain', version: '1.0.0' }).tool('echo', { input }, ({ text }) =>
  String(text),
)
await using running = await serve(tools, { port: 0, env: false })
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const call = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: 'hi' },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
}
const modern = await fetch(running.url, {
  method: 'POST',
  headers: {
    ...headers,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'echo',
  },
  body: JSON.stringify(call),
})
const init = await fetch(running.url, {
  method: 'POST',
  headers,
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  }),
})
await init.text()
const session = {
  'mcp-session-id': init.headers.get('mcp-session-id') ?? '',
  'mcp-protocol-version': '2025-11-25',
}
const legacy = await fetch(running.url, {
  method: 'POST',
  headers: { ...headers, ...session },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'hi' } },
  }),
})
const answers = [await modern.text(), await legacy.text()]
await new Promise((resolve) => setTimeout(resolve, 50))
const cjs = Object.keys(createRequire(import.meta.url).cache)
const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList
  .filter((entry) => entry.startsWith('NativeModule '))
  .map((entry) => entry.slice('NativeModule '.length))
console.log(JSON.stringify({ answers, modules: [...loaded, ...cjs], builtins }))
