/** Runs a TypeScript entry point of this repository as a child process, the way a user does. */
import { execFile } from 'node:child_process'

export interface ChildOutcome {
  code: number
  stdout: string
  stderr: string
}

/** `node --import tsx <args…>` with extra environment variables; never rejects. */
export function runTs(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
