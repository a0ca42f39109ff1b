/** `toolwire inspect [url | mcp.json]`: the web inspector, on 127.0.0.1 with a token in its URL. */
import { spawn } from 'node:child_process'
import { browserCommand } from '../../client/auth/oauth/browser-opener.js'
import { readMcpConfig, substituteVariables } from '../mcp-config.js'
import { UsageError } from '../output.js'
import { type InspectTarget, startInspector } from './inspector-server.js'

export interface InspectFlags {
  port?: string
  header?: string[]
  /** Commander's `--no-open`: false when given. */
  open?: boolean
}

/** The servers of an mcp.json, variables filled in; a server whose variables are unset is left out, with why. */
function targetsOf(file: string): InspectTarget[] {
  const config = readMcpConfig(file)
  for (const { name, reason } of config.unusable) process.stderr.write(`skipped ${name}: it ${reason}\n`)
  for (const { name } of config.processes)
    process.stderr.write(`skipped ${name}: it runs a local command (stdio); the inspector runs no command\n`)
  const targets: InspectTarget[] = []
  for (const server of config.servers) {
    const where = `${file}: server "${server.name}"`
    try {
      const fill = (value: string) => substituteVariables(value, { where, env: process.env })
      const headers = Object.fromEntries(Object.entries(server.headers).map(([n, v]) => [n, fill(v)]))
      targets.push({
        name: server.name,
        url: fill(server.url),
        ...(Object.keys(headers).length ? { headers } : {}),
      })
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      process.stderr.write(`skipped ${server.name}: ${error.message}\n`)
    }
  }
  return targets
}

/** Opens the page in the user's browser (no shell: the URL is one argument of the opener). */
function openPage(url: string): void {
  try {
    const [command, args] = browserCommand(new URL(url))
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false })
    child.on('error', () => {}) // no browser here: the printed URL is the way
    child.unref()
  } catch {
    // Same: the URL is printed.
  }
}

export async function inspectCommand(target: string | undefined, flags: InspectFlags): Promise<void> {
  const port = Number(flags.port ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a TCP port (0 for any), got "${flags.port}"`)
  const headers: Record<string, string> = {}
  for (const header of flags.header ?? []) {
    const colon = header.indexOf(':')
    if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got "${header}"`)
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim()
  }
  let targets: InspectTarget[] = []
  if (target && /^https?:\/\//i.test(target)) {
    targets = [{ name: new URL(target).host, url: target, ...(flags.header?.length ? { headers } : {}) }]
  } else if (target) {
    targets = targetsOf(target)
  }
  const inspector = await startInspector({ targets, port })
  process.stdout.write(
    `toolwire inspect: open ${inspector.url}\n(the token in this URL is the key to the inspector; Ctrl-C stops it)\n`,
  )
  // A terminal user gets the page opened; scripts and tests (stdout not a TTY) only the URL.
  if (flags.open !== false && process.stdout.isTTY) openPage(inspector.url)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await inspector.close()
}
