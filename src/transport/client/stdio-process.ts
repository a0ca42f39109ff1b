/**
 * One spawned MCP server process: started without a shell, with a minimal environment by
 * default, its stderr piped (kept as a bounded tail for error messages), inherited or ignored,
 * and stopped as the MCP stdio transport asks: close its stdin, wait, SIGTERM, wait, SIGKILL.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { type ErrorSite, McpConnectionError, ToolwireConfigError } from '../../protocol/errors.js'
import { LineSplitter } from '../../protocol/line-framing.js'
import { printable } from '../../protocol/printable.js'

export type StderrMode = 'pipe' | 'inherit' | 'ignore'

export interface StdioProcessOptions {
  command: string
  args: readonly string[]
  env: Record<string, string>
  cwd: string | undefined
  stderr: StderrMode
  /** Each stderr line (piped mode). */
  onStderrLine: (line: string) => void
  /** Bytes of stderr kept for error messages (piped mode). */
  stderrTailBytes: number
  site: ErrorSite
}

export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** Environment variables passed on by default (the official SDKs' list): no secrets by accident. */
const DEFAULT_INHERITED_ENV =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PROCESSOR_ARCHITECTURE',
        'SYSTEMDRIVE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
        'PROGRAMFILES',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER']

/** The variables a server process gets without `params.env`: PATH, HOME, USER and a few more. */
export function defaultEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of DEFAULT_INHERITED_ENV) {
    const value = process.env[key]
    // Exported shell functions (`() { …`) are a known injection vector (Shellshock): skipped.
    if (value !== undefined && !value.startsWith('()')) env[key] = value
  }
  return env
}

export class StdioProcess {
  readonly child: ChildProcessWithoutNullStreams
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>
  readonly #o: StdioProcessOptions
  #tail = ''
  #exit: ProcessExit | undefined

  private constructor(child: ChildProcessWithoutNullStreams, options: StdioProcessOptions) {
    this.child = child
    this.#o = options
    // 'close', not 'exit': by then stdout and stderr are drained, so the stderr tail is complete.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#exit = { code, signal }
        resolve(this.#exit)
      })
    })
    if (options.stderr === 'pipe' && child.stderr) {
      const lines = new LineSplitter({
        maxLineBytes: 64 * 1024,
        onLine: (line) => {
          this.#remember(line)
          options.onStderrLine(line)
        },
        onOversized: () => this.#remember('[a stderr line over 64 KiB was dropped]'),
      })
      child.stderr.on('data', (chunk: Buffer) => lines.feed(chunk))
      child.stderr.on('end', () => lines.end())
    }
    // EPIPE when the server exits while we write: the exit handler reports it.
    child.stdin.on('error', () => {})
  }

  /** Spawns the process; rejects when it cannot start (no such command, not executable). */
  static start(options: StdioProcessOptions): Promise<StdioProcess> {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', options.stderr],
      shell: false,
      windowsHide: true,
    }) as ChildProcessWithoutNullStreams
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        child.removeListener('spawn', onSpawn)
        reject(spawnError(error, options))
      }
      const onSpawn = () => {
        child.removeListener('error', onError)
        child.on('error', () => {})
        resolve(new StdioProcess(child, options))
      }
      child.once('error', onError)
      child.once('spawn', onSpawn)
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  get exit(): ProcessExit | undefined {
    return this.#exit
  }

  /** The last stderr lines (piped mode), made printable; '' when none. */
  get stderrTail(): string {
    return printable(this.#tail.trimEnd(), { maxChars: this.#o.stderrTailBytes })
  }

  /** Writes one line (a serialized message). */
  write(line: string): void {
    this.child.stdin.write(`${line}\n`)
  }

  /**
   * Stops the process the way the MCP stdio transport describes: stdin closed, then SIGTERM
   * after `graceMs`, then SIGKILL after another `graceMs`. Resolves once it has exited.
   */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.#exit) return this.#exit
    this.child.stdin.end()
    if (await this.#exitsWithin(graceMs)) return this.#exit!
    this.child.kill('SIGTERM')
    if (await this.#exitsWithin(graceMs)) return this.#exit!
    this.child.kill('SIGKILL')
    return this.exited
  }

  async #exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms)
    })
    const exited = await Promise.race([this.exited.then(() => true), timeout])
    clearTimeout(timer)
    return exited
  }

  #remember(line: string): void {
    const max = this.#o.stderrTailBytes
    this.#tail = `${this.#tail}${line}\n`
    if (this.#tail.length > max) this.#tail = this.#tail.slice(this.#tail.length - max)
  }
}

function spawnError(error: NodeJS.ErrnoException, options: StdioProcessOptions): Error {
  const what = `could not start the server process "${printable(options.command, { maxChars: 200, oneLine: true })}"`
  if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') {
    const hint =
      error.code === 'EACCES'
        ? 'it is not executable'
        : options.cwd !== undefined
          ? `the command or params.cwd (${options.cwd}) does not exist; is the command on the PATH of params.env?`
          : 'the command does not exist; is it on the PATH of params.env?'
    return new ToolwireConfigError(`${what}: ${error.code}, ${hint}`, options.site)
  }
  return new McpConnectionError(`${what}: ${error.message}`, options.site, {
    cause: error,
    maybeDelivered: false,
  })
}
