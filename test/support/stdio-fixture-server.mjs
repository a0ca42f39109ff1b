// A small hand-written 2025-era MCP stdio server that misbehaves on request, for the stdio
// client's fault tests. Plain JavaScript: it starts in milliseconds. Modes (argv[2]):
//   normal      answers initialize, tools/list, tools/call
//   noisy       also prints a banner and junk lines on stdout
//   stubborn    ignores stdin closing and SIGTERM (only SIGKILL stops it)
import { createInterface } from 'node:readline'

const mode = process.argv[2] ?? 'normal'
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
if (mode === 'noisy') process.stdout.write('fixture server v1 starting…\n')
if (mode === 'stubborn') process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\n'))
process.stderr.write(`fixture started pid ${process.pid}\n`)

const tools = [
  { name: 'env', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  { name: 'cwd', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  { name: 'pid', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  { name: 'crash', inputSchema: { type: 'object' } },
  { name: 'sleep', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
]
const text = (value) => ({
  content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }],
})

function answer(request) {
  switch (request.method) {
    case 'initialize':
      return {
        protocolVersion: request.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'fixture', version: '1.0.0' },
      }
    case 'tools/list':
      return { tools }
    case 'tools/call': {
      const name = request.params.name
      if (name === 'env') return text(process.env)
      if (name === 'cwd') return text(process.cwd())
      if (name === 'pid') return text(String(process.pid))
      if (name === 'crash') {
        process.stderr.write('fatal: the database file is locked\n')
        process.exit(3)
      }
      if (name === 'sleep') return new Promise((resolve) => setTimeout(() => resolve(text('slept')), 60_000))
      return undefined
    }
    default:
      return undefined
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  const message = JSON.parse(line)
  if (mode === 'noisy') process.stdout.write('debug: got a line\n')
  if (!('id' in message) || !('method' in message)) return
  const result = await answer(message)
  if (result === undefined)
    send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } })
  else send({ jsonrpc: '2.0', id: message.id, result })
})
if (mode === 'stubborn') setInterval(() => {}, 1000)
else lines.on('close', () => process.exit(0))
