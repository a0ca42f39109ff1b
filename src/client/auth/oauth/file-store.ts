/** `fileOAuthStore()`: `oauth()`'s registration and tokens in a private JSON file. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ToolwireConfigError } from '../../../protocol/errors.js'
import type { OAuthState, OAuthStore } from './oauth-state.js'

/**
 * Keeps `oauth()`'s registration and tokens in a JSON file readable by the user only (0600),
 * written atomically (a temporary file renamed over it).
 */
export function fileOAuthStore(path: string): OAuthStore {
  if (!path) throw new ToolwireConfigError('fileOAuthStore: a file path is required')
  return {
    load() {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw new ToolwireConfigError(`fileOAuthStore: cannot read ${path}: ${(error as Error).message}`)
      }
      try {
        const state = JSON.parse(text) as unknown
        if (state && typeof state === 'object' && !Array.isArray(state)) return state as OAuthState
      } catch {
        // Reported below.
      }
      throw new ToolwireConfigError(
        `fileOAuthStore: ${path} does not hold saved OAuth state (not a JSON object): delete it to authorize again`,
      )
    },
    save(state) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      const temporary = `${path}.${process.pid}.tmp`
      writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
      renameSync(temporary, path)
    },
  }
}
