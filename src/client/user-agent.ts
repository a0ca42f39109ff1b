/**
 * `User-Agent: toolwire/<version> node/<version>` on every request, so a server's logs say which
 * client called (and which version, when a bug is reported). A `User-Agent` in `params.headers`
 * replaces it.
 */
import { readFileSync } from 'node:fs'

/** The package's version, from its package.json (two folders up from `src/client` and `dist/client`). */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    const version = (JSON.parse(text) as { version?: unknown }).version
    return typeof version === 'string' ? version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

export const TOOLWIRE_VERSION = packageVersion()

export const USER_AGENT = `toolwire/${TOOLWIRE_VERSION} node/${process.versions.node}`
