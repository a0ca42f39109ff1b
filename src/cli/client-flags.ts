/** The flags every client command takes, turned into MCPServerStreamableHttp options. */
import type { Command } from 'commander'
import { MCPServerStreamableHttp } from '../client/mcp-server-streamable-http.js'
import { UsageError } from './output.js'

export interface ClientFlags {
  header?: string[]
  tokenEnv?: string
  timeout?: string
  era?: string
  json?: boolean
}

/** Adds `--header`, `--token-env`, `--timeout` and `--era` to a command. */
export function withClientFlags(command: Command): Command {
  return command
    .option('-H, --header <name:value>', 'send a header with every request (repeatable)', collect, [])
    .option('--token-env <VAR>', 'send "Authorization: Bearer $VAR"')
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

export function clientFor(
  url: string,
  flags: ClientFlags,
  extra: { retries?: number } = {},
): MCPServerStreamableHttp {
  const headers: Record<string, string> = {}
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
  const timeout = Number(flags.timeout ?? 30)
  if (!(timeout > 0))
    throw new UsageError(`--timeout must be a positive number of seconds, got "${flags.timeout}"`)
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
  return new MCPServerStreamableHttp({
    params: { url: parsed, headers, timeout: Math.min(timeout, 30), sseReadTimeout: Math.max(timeout, 30) },
    clientSessionTimeoutSeconds: timeout,
    maxRetryAttempts: extra.retries ?? 2,
    protocolEra: era as 'auto' | 'modern' | 'legacy',
    clientInfo: { name: 'toolwire-cli', version: '0.1.0' },
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  })
}
