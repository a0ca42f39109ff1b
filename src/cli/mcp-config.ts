/**
 * The MCP server configuration file users already have: `mcp.json` of VS Code (`servers`),
 * Claude Desktop, Claude Code and Cursor (`mcpServers`). Each server has a name, a `url` and
 * `headers`, whose values may name environment variables: `${env:VAR}` (VS Code, Cursor),
 * `${VAR}` and `${VAR:-default}` (Claude Code). Variables are read when a server is used, so an
 * unset variable of a server the command does not use is no error. Stdio entries (`command`,
 * `args`, `env`, `cwd`) run as local processes; the old HTTP+SSE transport (`type: "sse"`) is
 * listed as not usable, with the reason.
 */
import { readFileSync } from 'node:fs'
import { isObject } from '../protocol/jsonrpc.js'
import { UsageError } from './output.js'

/** A Streamable HTTP server of the file, its variables not yet substituted. */
export interface ConfiguredServer {
  name: string
  url: string
  headers: Record<string, string>
}

/** A stdio server of the file (a local process), its variables not yet substituted. */
export interface ConfiguredProcess {
  name: string
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string | undefined
}

export interface McpConfig {
  file: string
  servers: ConfiguredServer[]
  processes: ConfiguredProcess[]
  /** Entries this CLI cannot use, and why. */
  unusable: Array<{ name: string; reason: string }>
}

const HTTP_TYPES = new Set([undefined, 'http', 'streamable-http', 'streamableHttp', 'streamable_http'])

/** Reads and checks a configuration file; a UsageError naming the file and the entry otherwise. */
export function readMcpConfig(file: string): McpConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`--config ${file}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read it'}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(withoutComments(text))
  } catch (error) {
    throw new UsageError(`--config ${file} is not JSON: ${(error as Error).message}`)
  }
  if (!isObject(parsed)) throw new UsageError(`--config ${file}: expected a JSON object`)
  const entries = {
    ...(isObject(parsed.servers) ? parsed.servers : {}),
    ...(isObject(parsed.mcpServers) ? parsed.mcpServers : {}),
  }
  if (!isObject(parsed.servers) && !isObject(parsed.mcpServers)) {
    throw new UsageError(`--config ${file}: no "mcpServers" (Claude, Cursor) or "servers" (VS Code) object`)
  }
  const config: McpConfig = { file, servers: [], processes: [], unusable: [] }
  for (const [name, entry] of Object.entries(entries)) {
    const where = `--config ${file}: server "${name}"`
    if (!isObject(entry)) throw new UsageError(`${where} is not an object`)
    const type = typeof entry.type === 'string' ? entry.type : undefined
    if (
      type === 'stdio' ||
      (entry.command !== undefined && entry.url === undefined && entry.serverUrl === undefined)
    ) {
      config.processes.push(processOf(name, entry, where))
      continue
    }
    if (type === 'sse') {
      config.unusable.push({
        name,
        reason: 'uses the old HTTP+SSE transport; give its Streamable HTTP endpoint (type "http")',
      })
      continue
    }
    if (!HTTP_TYPES.has(type)) {
      config.unusable.push({ name, reason: `has type "${type}", which this command does not speak` })
      continue
    }
    // Windsurf names it `serverUrl`.
    const url = entry.url ?? entry.serverUrl
    if (typeof url !== 'string') throw new UsageError(`${where} has no "url"`)
    const headers: Record<string, string> = {}
    if (entry.headers !== undefined && !isObject(entry.headers))
      throw new UsageError(`${where}: "headers" must be an object`)
    for (const [header, value] of Object.entries(entry.headers ?? {})) {
      if (typeof value !== 'string') throw new UsageError(`${where}: header "${header}" must be a string`)
      headers[header] = value
    }
    config.servers.push({ name, url, headers })
  }
  return config
}

function processOf(name: string, entry: Record<string, unknown>, where: string): ConfiguredProcess {
  if (typeof entry.command !== 'string' || entry.command === '')
    throw new UsageError(`${where} has no "command"`)
  const args = entry.args ?? []
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
    throw new UsageError(`${where}: "args" must be an array of strings`)
  const env: Record<string, string> = {}
  if (entry.env !== undefined && !isObject(entry.env))
    throw new UsageError(`${where}: "env" must be an object`)
  for (const [key, value] of Object.entries(entry.env ?? {})) {
    if (typeof value !== 'string') throw new UsageError(`${where}: env "${key}" must be a string`)
    env[key] = value
  }
  if (entry.cwd !== undefined && typeof entry.cwd !== 'string')
    throw new UsageError(`${where}: "cwd" must be a string`)
  return { name, command: entry.command, args: args as string[], env, cwd: entry.cwd }
}

/** `${env:VAR}`, `${VAR}` and `${VAR:-default}`, from `env`. */
export function substituteVariables(
  value: string,
  context: { where: string; env: Record<string, string | undefined> },
): string {
  return value.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (
      inner.startsWith('input:') ||
      (inner.includes(':') && !inner.startsWith('env:') && !inner.includes(':-'))
    ) {
      throw new UsageError(
        `${context.where} uses \${${inner}}, which only an editor can fill in: use \${env:VAR} and set VAR`,
      )
    }
    const body = inner.startsWith('env:') ? inner.slice(4) : inner
    const [name = '', fallback] = body.split(':-', 2) as [string, string | undefined]
    const found = context.env[name]
    if (found !== undefined && found !== '') return found
    if (fallback !== undefined) return fallback
    throw new UsageError(`${context.where} uses \${${inner}}, but ${name} is unset or empty`)
  })
}

/** JSON with comments (VS Code writes `//` and block comments in mcp.json): the comments removed. */
function withoutComments(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      const start = i
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      out += text.slice(start, i + 1)
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 1
    } else out += c
  }
  // Trailing commas, which the same files allow.
  return out.replace(/,(\s*[}\]])/g, '$1')
}
