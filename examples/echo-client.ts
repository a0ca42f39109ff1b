/**
 * Calls the echo server: `npx tsx examples/echo-client.ts http://127.0.0.1:3000/mcp`.
 */
import { MCPServerStreamableHttp, McpTimeoutError } from 'toolwire/client'

const url = process.argv[2] ?? 'http://127.0.0.1:3000/mcp'
await using echo = await new MCPServerStreamableHttp({
  name: 'Echo Tools',
  params: { url, headers: { 'X-Team': 'docs' }, timeout: 5, sseReadTimeout: 60 },
  clientSessionTimeoutSeconds: 10,
  cacheToolsList: true,
}).connect()

console.log(`connected: ${echo.server?.serverInfo.name}, protocol ${echo.protocolVersion}`)
console.log('tools:', (await echo.listTools()).map((tool) => tool.name).join(', '))
const sum = await echo.callTool('add', { a: 2, b: 40 })
console.log('add →', JSON.stringify(sum.structuredContent))
const counted = await echo.callTool(
  'count_to',
  { n: 3 },
  { onProgress: (p) => console.log(`progress ${p.progress}/${p.total}`) },
)
console.log('count_to →', counted.content[0]?.type === 'text' ? counted.content[0].text : '')
try {
  await echo.callTool('count_to', { n: 100 }, { timeoutSeconds: 0.2 })
} catch (error) {
  if (error instanceof McpTimeoutError)
    console.log(`timed out as asked: ${error.timeout} after ${error.seconds} s`)
  else throw error
}
