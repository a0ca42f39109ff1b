/**
 * Opens an authorization URL in the user's browser. Only `https:` and `http:` URLs are ever
 * opened, and never through a shell: the URL is one argument of the opener, so `&`, quotes or
 * a crafted scheme (`file:`, `javascript:`, `ms-msdt:`) cannot become a command.
 */
import { spawn } from 'node:child_process'
import { McpAuthError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'

/** Refuses anything but a web URL. */
export function checkWebUrl(url: URL): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new McpAuthError(
      `refusing to open ${printable(url.href, { maxChars: 200, oneLine: true })}: only http(s) URLs are opened`,
      {},
      { status: 401 },
    )
  }
}

/** The opener for a platform: `$BROWSER`, `open`, the Windows URL handler, or `xdg-open`. */
export function browserCommand(
  url: URL,
  host: { env: NodeJS.ProcessEnv; platform: NodeJS.Platform } = {
    env: process.env,
    platform: process.platform,
  },
): [string, string[]] {
  checkWebUrl(url)
  if (host.env.BROWSER) return [host.env.BROWSER, [url.href]]
  if (host.platform === 'darwin') return ['open', [url.href]]
  // Not `cmd /c start`: cmd.exe would read `&` in the URL as a command separator.
  if (host.platform === 'win32') return ['rundll32.exe', ['url.dll,FileProtocolHandler', url.href]]
  return ['xdg-open', [url.href]]
}

/** Prints the URL to stderr and opens it (the printed URL is the way when no browser starts). */
export function openInBrowser(url: URL): void {
  checkWebUrl(url)
  process.stderr.write(`Open this URL to authorize: ${url.href}\n`)
  const [command, args] = browserCommand(url)
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false })
    child.on('error', () => {}) // no browser here: the printed URL is the way
    child.unref()
  } catch {
    // Same: the URL is printed.
  }
}
