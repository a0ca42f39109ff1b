/** "Copy as `toolwire call …`": the shell command that repeats a call from the inspector. */

/** One shell word, quoted for POSIX shells when it needs to be. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/** Headers whose values are secrets: the command names an environment variable instead. */
const SECRET_HEADERS: Record<string, string> = {
  authorization: 'TOOLWIRE_TOKEN',
  'x-api-key': 'TOOLWIRE_API_KEY',
  cookie: 'TOOLWIRE_COOKIE',
}

/**
 * `toolwire call URL TOOL --json '{…}'`, with the connection's headers. Secrets never appear:
 * a bearer token becomes `--token-env TOOLWIRE_TOKEN`, an API key `-H "X-API-Key: $TOOLWIRE_API_KEY"`.
 */
export function callCommandLine(call: {
  url: string
  tool: string
  arguments: Record<string, unknown>
  headers?: Record<string, string>
  era?: string
}): string {
  const words = ['toolwire', 'call', shellQuote(call.url), shellQuote(call.tool)]
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    const variable = SECRET_HEADERS[name.toLowerCase()]
    if (variable === 'TOOLWIRE_TOKEN' && /^Bearer /i.test(value)) words.push('--token-env', variable)
    // Double quotes: the shell expands the variable when the command runs.
    else if (variable) words.push('-H', `"${name}: $${variable}"`)
    else words.push('-H', shellQuote(`${name}: ${value}`))
  }
  if (call.era && call.era !== 'auto') words.push('--era', call.era)
  words.push('--json', shellQuote(JSON.stringify(call.arguments)))
  return words.join(' ')
}
