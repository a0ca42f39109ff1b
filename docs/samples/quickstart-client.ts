/**
 * README quick start: call tools from a client. `npx tsx client.ts [url]`;
 * test/docs/quickstarts.test.ts runs it against the quick start server.
 */
// #region quickstart
import { MCPServerStreamableHttp } from 'toolwire/client'

const url = process.argv[2] ?? 'http://127.0.0.1:3000/mcp'
await using calculator = await new MCPServerStreamableHttp({ name: 'Calculator', params: { url } }).connect()

const tools = await calculator.listTools()
console.log(`${calculator.name} offers: ${tools.map((tool) => tool.name).join(', ')}`)
const result = await calculator.callTool('add', { a: 2, b: 40 })
console.log('add →', result.structuredContent, 'trace', result.traceId)
// #endregion quickstart
