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
const { modern: modernRequest, send } = await import('./raw.js')
const { openSession, toolCall } = await import('./sessions.js')
const input = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }
const tools = new ToolServer({ name: 'plain', version: '1.0.0' }).tool('echo', { input }, ({ text }) =>
  String(text),
)
await using running = await serve(tools, { port: 0, env: false })
// The requests go through the test helpers (undici): what the server loads is what is counted.
const modern = await send(
  running.url,
  modernRequest('tools/call', { name: 'echo', arguments: { text: 'hi' } }),
)
const session = await openSession(running.url)
const legacy = await send(running.url, {
  headers: session.headers,
  body: toolCall(2, 'echo', { text: 'hi' }),
})
const answers = [modern.text, legacy.text]
await new Promise((resolve) => setTimeout(resolve, 50))
const cjs = Object.keys(createRequire(import.meta.url).cache)
const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList
  .filter((entry) => entry.startsWith('NativeModule '))
  .map((entry) => entry.slice('NativeModule '.length))
console.log(JSON.stringify({ answers, modules: [...loaded, ...cjs], builtins }))
