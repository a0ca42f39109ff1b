#!/usr/bin/env node
/** The `toolwire` command line: serve a tool server, inspect and call remote ones, load-test them. */
import { Command, CommanderError } from 'commander'
import { EXIT, reportError } from './cli-errors.js'
import { type ClientFlags, withClientFlags, withJsonOutput } from './client-flags.js'
import {
  type AgentFlags,
  agentCommand,
  type BenchFlags,
  benchCommand,
  callCommand,
  pingCommand,
  toolsCommand,
} from './commands.js'
import { promptCommand, promptsCommand, readCommand, resourcesCommand } from './feature-commands.js'
import type { ServeFlags } from './serve-command.js'

const program = new Command('toolwire')
  .description('Run MCP tool servers over Streamable HTTP, and inspect, call and load-test remote ones.')
  .version('0.1.0')
  .exitOverride()

/** What a `<server>` argument may be. */
const SERVER = 'a URL, name=URL, or a server name in --config'

let exitCode = 0
/** The command being run: its help is what a usage error prints. */
let current: Command = program
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<number | undefined> | Promise<void>) =>
  async (...args: A) => {
    // Commander passes the command itself last.
    const command = args.at(-1)
    if (command instanceof Command) current = command
    exitCode = (await action(...args)) ?? 0
  }

program
  .command('serve')
  .description('serve the ToolServer a module exports (default export, "server", or a factory)')
  .argument('<module>', 'a .js or .ts module')
  .option('--export <name>', 'the export holding the ToolServer')
  .option('--host <host>', 'interface to listen on (TOOLWIRE_HOST)')
  .option('--port <port>', 'TCP port, 0 for any (TOOLWIRE_PORT)')
  .option('--path <path>', 'endpoint path (TOOLWIRE_PATH)')
  .option('--log-level <level>', 'request logs: info, warn, … silent', 'info')
  .option(
    '--api-key <id:sha256[:scopes]>',
    'accept an API key by its SHA-256 (repeatable)',
    (v: string, p: string[]) => [...p, v],
    [],
  )
  .option('--rate-limit <perMinute>', 'requests per minute per client')
  .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
  .option('--tls-key <file>', 'and this key (PEM)')
  .option('--tls-ca <file>', 'require client certificates signed by this CA (mTLS)')
  .option('--metrics', 'Prometheus metrics at /metrics')
  .option('--stdio', 'serve on stdin/stdout (the MCP stdio transport; logs go to stderr)')
  .option('--workers <n>', 'processes sharing the port (node:cluster); > 1 needs --redis-url for sessions')
  .option('--redis-url <url>', 'fleet store shared by workers and replicas (TOOLWIRE_REDIS_URL)')
  // Loaded on use: the server stack would add ~0.2 s to every client command's start.
  .action(
    run(async (module: string, flags: ServeFlags) =>
      (await import('./serve-command.js')).serveCommand(module, flags),
    ),
  )

withJsonOutput(
  withClientFlags(
    program
      .command('tools')
      .description("list a server's tools and their arguments")
      .argument('<server>', SERVER),
  ),
).action(run((url: string, flags: ClientFlags) => toolsCommand(url, flags)))

withClientFlags(
  program
    .command('call')
    .description('call a tool: arguments as key=value pairs or --json \'{"key": …}\'')
    .argument('<server>', SERVER)
    .argument('<tool>')
    .argument('[arguments...]', 'key=value (values are JSON when they parse, else text)'),
)
  .option('--json [object]', 'arguments as a JSON object; prints JSON')
  .action(
    run((url: string, tool: string, pairs: string[]) => {
      const flags = program.commands
        .find((c) => c.name() === 'call')!
        .opts<ClientFlags & { json?: boolean | string }>()
      return callCommand({ url, tool, pairs }, flags)
    }),
  )

withJsonOutput(
  withClientFlags(
    program
      .command('resources')
      .description("list a server's resources and resource templates")
      .argument('<server>', SERVER),
  ),
).action(run((url: string, flags: ClientFlags) => resourcesCommand(url, flags)))

withJsonOutput(
  withClientFlags(
    program
      .command('read')
      .description('read a resource: text to stdout, binary as bytes when piped')
      .argument('<server>', SERVER)
      .argument('<uri>', 'the resource, e.g. crm://schema'),
  ),
).action(run((url: string, uri: string, flags: ClientFlags) => readCommand(url, uri, flags)))

withJsonOutput(
  withClientFlags(
    program
      .command('prompts')
      .description("list a server's prompts and their arguments")
      .argument('<server>', SERVER),
  ),
).action(run((url: string, flags: ClientFlags) => promptsCommand(url, flags)))

withJsonOutput(
  withClientFlags(
    program
      .command('prompt')
      .description('get a prompt with its arguments filled in')
      .argument('<server>', SERVER)
      .argument('<name>')
      .option(
        '--arg <key=value>',
        'a prompt argument (repeatable)',
        (v: string, p: string[]) => [...p, v],
        [],
      ),
  ),
).action(
  run((url: string, name: string, flags: ClientFlags & { arg: string[] }) => promptCommand(url, name, flags)),
)

withJsonOutput(
  withClientFlags(
    program
      .command('ping')
      .description('health, connect latency, protocol version, server info')
      .argument('<server>', SERVER),
  ),
).action(run((url: string, flags: ClientFlags) => pingCommand(url, flags)))

withJsonOutput(
  withClientFlags(
    program
      .command('bench')
      .description('a bounded load test: p50/p99 latency, throughput, errors')
      .argument('<server>', SERVER)
      .requiredOption('--tool <name>', 'the tool to call')
      .option('--args <json>', 'its arguments, a JSON object', '{}')
      .option('--calls <n>', 'calls in total (≤ 100000)', '200')
      .option('--concurrency <n>', 'calls in flight (≤ 256)', '8')
      .option('--seconds <s>', 'stop after this long (≤ 300)', '30'),
  ),
).action(run((url: string, flags: BenchFlags) => benchCommand(url, flags)))

withJsonOutput(
  withClientFlags(
    program
      .command('agent')
      .description(
        'answer a question with an agent over MCP servers (OPENAI_API_KEY / OPENAI_BASE_URL, TOOLWIRE_MODEL)',
      )
      .argument('<question>')
      .option(
        '--server <url|name>',
        'an MCP server the agent may use: a URL, name=URL, or a name in --config (repeatable; default: every server of --config)',
        (v: string, p: string[]) => [...p, v],
        [],
      )
      .option('--model <name>', 'model name (default: TOOLWIRE_MODEL)')
      .option('--instructions <text>', 'the system prompt')
      .option('--max-turns <n>', 'model calls at most', '10')
      .option('--require-all-servers', 'fail when a server cannot be reached (default: answer without it)'),
  ),
).action(run((question: string, flags: AgentFlags) => agentCommand(question, flags)))

program
  .command('inspect')
  .description('a web inspector for MCP servers on 127.0.0.1 (docs/inspector.md)')
  .argument('[target]', 'a server URL, or an mcp.json file of servers')
  .option('--port <port>', 'port on 127.0.0.1 (default: any free port)')
  .option('--no-open', 'print the URL only (default: also open it when run in a terminal)')
  .option(
    '-H, --header <name:value>',
    'send a header to the server (repeatable)',
    (v: string, p: string[]) => [...p, v],
    [],
  )
  .action(
    run(async (target: string | undefined, flags: { port?: string; header?: string[]; open?: boolean }) =>
      (await import('./inspect/inspect-command.js')).inspectCommand(target, flags),
    ),
  )

// A usage error is one line and where to find help (not the whole help text).
program.showHelpAfterError('(see toolwire --help)')
for (const command of program.commands) command.showHelpAfterError(`(see toolwire ${command.name()} --help)`)

try {
  await program.parseAsync(process.argv)
  // `serve` keeps running until a signal; the others end here.
  if (exitCode !== 0) process.exitCode = exitCode
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are not errors; anything else commander refused is a usage error.
    process.exitCode =
      error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage
  } else {
    process.exitCode = reportError(error, {
      command: current === program ? '' : current.name(),
      given: current.opts(),
    })
  }
}
