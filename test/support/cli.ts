/**
 * The `toolwire` command as a user runs it: the compiled CLI (`dist/cli/main.js`) in a child
 * process. Starting node with a TypeScript loader per child cost ~1.5 s of CPU each (measured:
 * 2.0 s vs 0.5 s per `--help` on this machine), which timed tests out on a busy machine; the
 * build is redone only when a source file is newer than the last one, once for all test files
 * (a lock directory keeps parallel test files from building at the same time).
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildOutcome } from './child.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const stamp = join(root, 'dist', '.built-from-sources')
const lock = join(root, 'dist', '.building')
export const CLI_ENTRY = join(root, 'dist', 'cli', 'main.js')

function newestSource(): number {
  let newest = 0
  for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts')) newest = Math.max(newest, statSync(join(root, 'src', file)).mtimeMs)
  }
  return newest
}

const fresh = () => existsSync(stamp) && existsSync(CLI_ENTRY) && statSync(stamp).mtimeMs >= newestSource()

/** Builds `dist/` when a source is newer than the last build; waits for a build under way. */
export async function buildCli(): Promise<string> {
  for (let waited = 0; !fresh(); waited += 200) {
    try {
      mkdirSync(join(root, 'dist'), { recursive: true })
      mkdirSync(lock)
    } catch {
      // Another test file is building: wait for it (a lock older than 5 minutes is stale).
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { recursive: true, force: true })
      if (waited > 180_000) throw new Error('waited 3 minutes for another test file to build dist/')
      await new Promise((resolve) => setTimeout(resolve, 200))
      continue
    }
    try {
      const started = newestSource()
      execFileSync(
        process.execPath,
        [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: root,
          stdio: 'inherit',
        },
      )
      writeFileSync(stamp, '')
      // A source edited during the build makes the stamp older than it: the next call rebuilds.
      if (newestSource() > started) rmSync(stamp, { force: true })
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
  return CLI_ENTRY
}

/** `node dist/cli/main.js <args…>` with extra environment variables; never rejects. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, cwd: root },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
