/** `fileOAuthStore()`: `oauth()`'s registrations and tokens in a private JSON file. */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ToolwireConfigError } from '../../../protocol/errors.js'
import { isObject } from '../../../protocol/jsonrpc.js'
import { mergeOAuthState, type OAuthState, type OAuthStore, parseOAuthState } from './oauth-state.js'

/**
 * Keeps `oauth()`'s registrations and tokens in a JSON file readable by the user only (0600).
 * Each save merges with what the file holds (by authorization server and by resource), so
 * providers for different servers can share one file; it is written atomically, through a
 * temporary file created exclusively (a file or symlink planted at its name makes the save fail,
 * never redirects it).
 *
 * @example
 * ```ts
 * const store = fileOAuthStore(join(homedir(), '.config', 'my-agent', 'oauth.json'))
 * const crm = new MCPServerStreamableHttp({ params: { url }, auth: oauth({ ...loopback, store }) })
 * ```
 */
export function fileOAuthStore(path: string): OAuthStore {
  if (!path) throw new ToolwireConfigError('fileOAuthStore: a file path is required')
  const read = (): unknown => {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new ToolwireConfigError(`fileOAuthStore: cannot read ${path}: ${(error as Error).message}`)
    }
    try {
      const state = JSON.parse(text) as unknown
      if (isObject(state)) return state
    } catch {
      // Reported below.
    }
    throw new ToolwireConfigError(
      `fileOAuthStore: ${path} does not hold saved OAuth state (not a JSON object): delete it to authorize again`,
    )
  }
  return {
    load: () => read() as OAuthState | undefined,
    save(state) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      let current: OAuthState = {}
      try {
        current = parseOAuthState(read(), () => {})
      } catch {
        // An unreadable or corrupt file is replaced.
      }
      const merged = mergeOAuthState(current, state)
      const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`
      // 'wx': O_CREAT | O_EXCL, which also refuses to follow a symlink planted at that name.
      writeFileSync(temporary, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
      try {
        renameSync(temporary, path)
      } catch (error) {
        rmSync(temporary, { force: true })
        throw error
      }
    },
  }
}
