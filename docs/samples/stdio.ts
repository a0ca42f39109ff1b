/** docs/stdio.md: MCP servers as local processes (client), and a ToolServer over stdio (server). */
import { Agent, Runner } from 'toolwire/agent'
import { MCPServerStdio, MCPServerStreamableHttp } from 'toolwire/client'
import { serveStdio, ToolServer } from 'toolwire/server'
import { z } from 'zod'

export async function client() {
  // #region client
  await using everything = await new MCPServerStdio({
    name: 'Everything',
    params: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything', 'stdio'] },
    cacheToolsList: true,
  }).connect()
  const tools = await everything.listTools()
  console.log(tools.map((t) => t.name))
  const result = await everything.callTool(
    'echo',
    { message: 'hello' },
    { onProgress: (p) => console.log(p) },
  )
  console.log(result.content)
  // #endregion client
}

export function options(apiKey: string) {
  // #region options
  const files = new MCPServerStdio({
    name: 'Files',
    params: {
      command: '/usr/local/bin/files-server',
      args: ['--root', './data'],
      env: { FILES_API_KEY: apiKey }, // added to PATH, HOME, USER, LOGNAME, SHELL, TERM
      cwd: '/srv/files',
      stderr: 'pipe', // 'pipe' (default) | 'inherit' | 'ignore'
    },
    onStderr: (line) => console.error(`[files] ${line}`),
    restartOnCrash: { maxRestarts: 3, backoffSecondsBase: 0.5, backoffSecondsMax: 10 },
    shutdownGraceSeconds: 2, // stdin closed → SIGTERM → SIGKILL, 2 s apart
    clientSessionTimeoutSeconds: 30,
  })
  files.on('exit', ({ code, signal, expected }) => {
    if (!expected) console.error(`files server exited (${signal ?? code}); restarted on the next call`)
  })
  // #endregion options
  return files
}

export async function mixed(crmUrl: string) {
  // #region agent
  await using files = new MCPServerStdio({
    name: 'Files',
    params: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', './reports'] },
  })
  await using crm = new MCPServerStreamableHttp({ name: 'CRM', params: { url: crmUrl } })
  const agent = new Agent({ name: 'Analyst', mcpServers: [files, crm] })
  const result = await Runner.run(agent, 'Compare the Q2 report with the CRM pipeline.')
  console.log(result.finalOutput)
  // #endregion agent
}

export function server() {
  // #region server
  const tools = new ToolServer({ name: 'calculator', version: '1.0.0' }).tool(
    'add',
    { input: z.object({ a: z.number(), b: z.number() }), annotations: { readOnlyHint: true } },
    ({ a, b }) => String(a + b),
  )
  // stdout carries protocol messages only: log with console.error (stderr).
  serveStdio(tools)
  // #endregion server
}
