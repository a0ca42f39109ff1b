/**
 * How the CLI reports a failure: in CLI words (the flag a user can change, not the library
 * option behind it), one line for usage errors, and the exit code that says which kind it was.
 */
import { McpHttpError, ToolwireConfigError } from '../protocol/errors.js'
import { printable } from '../protocol/printable.js'
import { UsageError } from './output.js'

/** Exit codes: success, a runtime failure (server, tool, network), a usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** Library option names the CLI sets from its own flags. */
const FLAG_OF_OPTION: ReadonlyArray<[RegExp, string]> = [
  [
    /\(option (clientSessionTimeoutSeconds|params\.timeout|params\.sseReadTimeout|timeoutSeconds)\)/g,
    '(--timeout)',
  ],
  [/option "(clientSessionTimeoutSeconds|params\.timeout|params\.sseReadTimeout)"/g, '--timeout'],
  [
    /pass Agent\(\{ model \}\) \/ OpenAIChatCompletionsModel\(\{ model \}\) or set TOOLWIRE_MODEL/g,
    'give --model <name> or set TOOLWIRE_MODEL',
  ],
]

/** A library message with the options the CLI exposes as flags named as those flags. */
export function inCliWords(message: string): string {
  let text = message
  for (const [pattern, flag] of FLAG_OF_OPTION) text = text.replace(pattern, flag)
  return text
}

/** What a command was given to authenticate with (a 401 hint is only useful without any). */
export interface GivenCredentials {
  tokenEnv?: unknown
  header?: unknown
  oauth?: unknown
  oauthClientId?: unknown
  config?: unknown
}

/**
 * Prints `error` on stderr and returns the exit code: 2 for usage and configuration errors
 * (one line and where to find help), 1 for everything else.
 */
export function reportError(error: unknown, context: { command: string; given: GivenCredentials }): number {
  const write = (text: string) => process.stderr.write(`${text}\n`)
  // Error messages can quote a server: printed, its text is made safe for the terminal.
  const message = inCliWords(
    printable(error instanceof Error ? error.message : String(error), { maxChars: 4000 }),
  )
  if (error instanceof UsageError || error instanceof ToolwireConfigError) {
    write(`error: ${message}`)
    write(`(see toolwire ${context.command ? `${context.command} ` : ''}--help)`)
    return EXIT.usage
  }
  write(`error: ${message}`)
  const given = context.given
  const credentials =
    given.tokenEnv ||
    (Array.isArray(given.header) && given.header.length > 0) ||
    given.oauth ||
    given.oauthClientId ||
    given.config
  // A server asking for credentials the command was not given: say which flags give them.
  if (
    error instanceof McpHttpError &&
    error.status === 401 &&
    !credentials &&
    /\bbearer\b/i.test(error.wwwAuthenticate ?? '')
  ) {
    write(
      'hint: the server asks for a bearer token: --token-env VAR, --oauth (authorize in a browser), or --oauth-client-id ID --oauth-client-secret-env VAR (client credentials)',
    )
  }
  return EXIT.failure
}
