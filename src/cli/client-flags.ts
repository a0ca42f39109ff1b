/** The flags every client command takes, turned into MCPServerStreamableHttp options. */
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { fileOAuthStore } from '../client/auth/oauth/file-store.js'
import { loopbackAuthorization } from '../client/auth/oauth/loopback.js'
import type { OAuthOptions } from '../client/auth/oauth/oauth-options.js'
import { oauth } from '../client/auth/oauth/oauth-provider.js'
import type { AuthOption } from '../client/auth/token-source.js'
import type { MCPServerStdio } from '../client/mcp-server-stdio.js'
import { MCPServerStreamableHttp } from '../client/mcp-server-streamable-http.js'
import { TOOLWIRE_VERSION } from '../client/user-agent.js'
import {
  type ConfiguredProcess,
  type ConfiguredServer,
  type McpConfig,
  readMcpConfig,
  substituteVariables,
} from './mcp-config.js'
import { UsageError } from './output.js'

export interface ClientFlags {
  header?: string[]
  tokenEnv?: string
  oauth?: boolean
  oauthClientId?: string
  oauthClientSecretEnv?: string
  oauthScope?: string
  oauthStore?: string
  oauthIssuer?: string
  timeout?: string
  era?: string
  json?: boolean
  config?: string
}

/** Adds `--header`, `--token-env`, `--timeout` and `--era` to a command. */
export function withClientFlags(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'servers by name from an mcp.json (VS Code "servers", Claude/Cursor "mcpServers")',
    )
    .option('-H, --header <name:value>', 'send a header with every request (repeatable)', collect, [])
    .option('--token-env <VAR>', 'send "Authorization: Bearer $VAR"')
    .option('--oauth', 'MCP authorization in a browser (authorization code + PKCE, loopback redirect)')
    .option('--oauth-client-id <id>', 'a pre-registered OAuth client (else dynamic registration)')
    .option('--oauth-client-secret-env <VAR>', 'its secret, from $VAR (without --oauth: client credentials)')
    .option('--oauth-scope <scopes>', 'OAuth scopes to ask for (space-separated)')
    .option(
      '--oauth-issuer <url>',
      'the authorization server a pre-registered client belongs to (default: one on the server host)',
    )
    .option(
      '--oauth-store <file>',
      'where OAuth tokens are kept (default ~/.config/toolwire/oauth/<server>.json)',
    )
    .option('--timeout <seconds>', 'per-request timeout, in seconds', '30')
    .option('--era <era>', 'protocol era: auto, modern (2026-07-28) or legacy (2025)', 'auto')
}

/** `--json`: print JSON instead of text (for scripts). */
export function withJsonOutput(command: Command): Command {
  return command.option('--json', 'print JSON instead of text (for scripts)')
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** The `auth` option from the `--oauth*` flags; undefined when none is given. */
async function oauthFrom(url: URL, flags: ClientFlags): Promise<AuthOption | undefined> {
  const any =
    flags.oauth ||
    flags.oauthClientId ||
    flags.oauthClientSecretEnv ||
    flags.oauthScope ||
    flags.oauthStore ||
    flags.oauthIssuer
  if (!any) return undefined
  if (flags.tokenEnv) throw new UsageError('--token-env and --oauth* are two ways to authenticate: pick one')
  let clientSecret: string | undefined
  if (flags.oauthClientSecretEnv) {
    clientSecret = process.env[flags.oauthClientSecretEnv]
    if (!clientSecret)
      throw new UsageError(
        `--oauth-client-secret-env ${flags.oauthClientSecretEnv}: that environment variable is empty or unset`,
      )
    if (!flags.oauthClientId) throw new UsageError('--oauth-client-secret-env needs --oauth-client-id')
  }
  if (!flags.oauth && !clientSecret)
    throw new UsageError(
      '--oauth-* flags need --oauth (a browser) or --oauth-client-secret-env (client credentials)',
    )
  const configHome = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
  const storePath =
    flags.oauthStore ??
    join(configHome, 'toolwire', 'oauth', `${encodeURIComponent(`${url.host}${url.pathname}`)}.json`)
  const options: OAuthOptions = {
    clientName: 'toolwire CLI',
    store: fileOAuthStore(storePath),
    ...(flags.oauthClientId ? { clientId: flags.oauthClientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    ...(flags.oauthScope ? { scope: flags.oauthScope } : {}),
    ...(flags.oauthIssuer ? { expectedIssuer: flags.oauthIssuer } : {}),
  }
  if (flags.oauth) {
    const { redirectUrl, authorize } = await loopbackAuthorization()
    return oauth({ ...options, redirectUrl, authorize })
  }
  return oauth({ ...options, grantType: 'client_credentials' })
}

const configs = new Map<string, McpConfig>()
function configOf(flags: ClientFlags): McpConfig | undefined {
  if (!flags.config) return undefined
  let config = configs.get(flags.config)
  if (!config) {
    config = readMcpConfig(flags.config)
    configs.set(flags.config, config)
  }
  return config
}

/** A server to talk to: its name (for messages the model and the user read), URL and headers. */
export interface ServerTarget {
  kind: 'http'
  name?: string
  url: string
  headers: Record<string, string>
}

/** A stdio server of `--config`: a local process, its variables substituted. */
export interface ProcessTarget extends ConfiguredProcess {
  kind: 'stdio'
}

/**
 * A command's server: a name in `--config`, `name=url` (a URL with a name), or a URL.
 * @throws UsageError for a name the configuration does not hold or cannot use
 */
export function resolveTarget(target: string, flags: ClientFlags): ServerTarget | ProcessTarget {
  const config = configOf(flags)
  const configured = config?.servers.find((s) => s.name === target)
  if (config && configured) return substituted(configured, config.file)
  const local = config?.processes.find((p) => p.name === target)
  if (config && local) return substitutedProcess(local, config.file)
  const unusable = config?.unusable.find((u) => u.name === target)
  if (config && unusable)
    throw new UsageError(`--config ${config.file}: server "${target}" ${unusable.reason}`)
  const eq = target.indexOf('=')
  if (eq > 0 && !target.slice(0, eq).includes('://')) {
    return { kind: 'http', name: target.slice(0, eq), url: target.slice(eq + 1), headers: {} }
  }
  if (config && !/^https?:\/\//i.test(target)) {
    const names =
      [...config.servers, ...config.processes].map((s) => `"${s.name}"`).join(', ') || 'no servers'
    throw new UsageError(`--config ${config.file} has no server "${target}"; it has ${names}`)
  }
  return { kind: 'http', url: target, headers: {} }
}

function substituted(server: ConfiguredServer, file: string): ServerTarget {
  const where = `--config ${file}: server "${server.name}"`
  const env = process.env
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(server.headers))
    headers[name] = substituteVariables(value, { where: `${where}, header "${name}"`, env })
  const url = substituteVariables(server.url, { where: `${where}, url`, env })
  return { kind: 'http', name: server.name, url, headers }
}

function substitutedProcess(entry: ConfiguredProcess, file: string): ProcessTarget {
  const where = `--config ${file}: server "${entry.name}"`
  const at = (what: string, value: string) =>
    substituteVariables(value, { where: `${where}, ${what}`, env: process.env })
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(entry.env)) env[name] = at(`env "${name}"`, value)
  return {
    kind: 'stdio',
    name: entry.name,
    command: at('command', entry.command),
    args: entry.args.map((arg) => at('args', arg)),
    env,
    cwd: entry.cwd === undefined ? undefined : at('cwd', entry.cwd),
  }
}

/** The servers of `agent`: its `--server`s, or every usable server of `--config` (the others named on stderr). */
export function agentTargets(servers: readonly string[], flags: ClientFlags): string[] {
  if (servers.length > 0) return [...servers]
  const config = configOf(flags)
  if (!config) throw new UsageError('give at least one --server <url>, or --config <mcp.json>')
  for (const { name, reason } of config.unusable)
    process.stderr.write(`warning: server "${name}" of ${config.file} is left out: it ${reason}\n`)
  const names = [...config.servers, ...config.processes].map((s) => s.name)
  if (names.length === 0) throw new UsageError(`--config ${config.file} has no server this command can use`)
  return names
}

/**
 * The client of `tools`, `call` and `agent`: Streamable HTTP, or a stdio server of `--config`
 * run as a local process.
 */
export async function anyClientFor(
  target: string,
  flags: ClientFlags,
): Promise<MCPServerStreamableHttp | MCPServerStdio> {
  const resolved = resolveTarget(target, flags)
  if (resolved.kind === 'http') return clientFor(target, flags)
  const { MCPServerStdio } = await import('../client/mcp-server-stdio.js')
  return new MCPServerStdio({
    name: resolved.name,
    params: {
      command: resolved.command,
      args: resolved.args,
      env: resolved.env,
      ...(resolved.cwd === undefined ? {} : { cwd: resolved.cwd }),
    },
    clientSessionTimeoutSeconds: timeoutOf(flags),
    clientInfo: { name: 'toolwire-cli', version: TOOLWIRE_VERSION },
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  })
}

function timeoutOf(flags: ClientFlags): number {
  const timeout = Number(flags.timeout ?? 30)
  if (!(timeout > 0))
    throw new UsageError(`--timeout must be a positive number of seconds, got "${flags.timeout}"`)
  // A value in milliseconds by habit: 5000 would wait 1.4 hours.
  if (timeout > 3600) {
    throw new UsageError(
      `--timeout is in seconds: ${timeout} is more than an hour; it looks like milliseconds: for ${timeout / 1000} s write --timeout ${timeout / 1000}`,
    )
  }
  return timeout
}

export async function clientFor(
  target: string,
  flags: ClientFlags,
  extra: { retries?: number } = {},
): Promise<MCPServerStreamableHttp> {
  const server = resolveTarget(target, flags)
  if (server.kind === 'stdio') {
    throw new UsageError(
      `server "${server.name}" runs a local command (stdio): this command speaks Streamable HTTP only (tools, call and agent run stdio servers)`,
    )
  }
  const url = server.url
  // The command line's -H and --token-env apply to every server, over the file's headers.
  const headers: Record<string, string> = { ...server.headers }
  for (const header of flags.header ?? []) {
    const colon = header.indexOf(':')
    if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got "${header}"`)
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim()
  }
  if (flags.tokenEnv) {
    const token = process.env[flags.tokenEnv]
    if (!token)
      throw new UsageError(`--token-env ${flags.tokenEnv}: that environment variable is empty or unset`)
    headers.Authorization = `Bearer ${token}`
  }
  const timeout = timeoutOf(flags)
  const era = flags.era ?? 'auto'
  if (!['auto', 'modern', 'legacy'].includes(era)) {
    throw new UsageError(`--era must be auto, modern or legacy, got "${era}"`)
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`"${url}" is not a URL (e.g. http://127.0.0.1:3000/mcp)`)
  }
  const auth = await oauthFrom(parsed, flags)
  return new MCPServerStreamableHttp({
    ...(server.name ? { name: server.name } : {}),
    params: { url: parsed, headers, timeout: Math.min(timeout, 30), sseReadTimeout: Math.max(timeout, 30) },
    ...(auth ? { auth } : {}),
    clientSessionTimeoutSeconds: timeout,
    maxRetryAttempts: extra.retries ?? 2,
    protocolEra: era as 'auto' | 'modern' | 'legacy',
    clientInfo: { name: 'toolwire-cli', version: TOOLWIRE_VERSION },
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  })
}
