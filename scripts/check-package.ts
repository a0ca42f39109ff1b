/**
 * `npm run test:package`: the package as users get it. Packs toolwire (`npm pack`, which builds
 * through `prepare`), installs the tarball into fresh consumer projects (one per supported
 * schema library version), then in each:
 *  - imports every export of every subpath (values checked at run time, types by `tsc --strict`);
 *  - runs a server, a client call and an agent run against the installed package;
 *  - reports the production footprint (bytes and packages, the schema library excluded).
 * Fails on any error. Needs the npm registry.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const SMOKE = `import { isToolwireError } from 'toolwire'
import { MCPServerStreamableHttp } from 'toolwire/client'
import { serve, ToolServer } from 'toolwire/server'
import { Agent, Runner } from 'toolwire/agent'
import { ScriptedModel } from 'toolwire/agent/testing'
import { createFetchHandler } from 'toolwire/web'
import { z } from 'zod'

const server = new ToolServer({ name: 'consumer', version: '1.0.0' }).tool(
  'add',
  { input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }) },
  ({ a, b }) => ({ sum: a + b }),
)
await using running = await serve(server, { port: 0, env: false })
await using client = await new MCPServerStreamableHttp({ name: 'consumer', params: { url: running.url } }).connect()
const result = await client.callTool('add', { a: 2, b: 3 })
if ((result.structuredContent as { sum: number }).sum !== 5) throw new Error('wrong sum')
const model = new ScriptedModel([
  { toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 } }] },
  { answer: 'two' },
])
const answer = await Runner.run(new Agent({ name: 'a', instructions: 'add', model, mcpServers: [client] }), 'one plus one?')
if (answer.finalOutput !== 'two') throw new Error('agent run failed')
const web = createFetchHandler(server)
const health = await web(new Request('http://127.0.0.1/health'))
if (health.status !== 200) throw new Error('web handler failed')
web.close()
console.log('smoke ok', isToolwireError(new Error()) === false)
`

const root = resolve(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { default: string } | string>
  peerDependencies?: Record<string, string>
  devDependencies: Record<string, string>
}
/** The optional peers (the frameworks of toolwire/openai-agents, toolwire/ai-sdk), at the versions tested. */
const PEERS = Object.keys(pkg.peerDependencies ?? {}).map((name) => `${name}@${pkg.devDependencies[name]}`)
/** Schema library versions a consumer may use with toolwire. */
const ZOD_VERSIONS = (process.env.TOOLWIRE_CHECK_ZOD ?? '4').split(',')

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Value and type exports of one entry point, from the sources. */
function exportsOf(entry: string): { values: string[]; types: string[] } {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entry)!
  const moduleSymbol = checker.getSymbolAtLocation(source)!
  const values: string[] = []
  const types: string[] = []
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    if (target.flags & ts.SymbolFlags.Value) values.push(symbol.name)
    else types.push(symbol.name)
  }
  return { values: values.sort(), types: types.sort() }
}

/**
 * `tsc -p .` in the consumer, strict and with `skipLibCheck: false`: fails on an error in the
 * consumer's files or toolwire's declarations. Errors inside the optional peers' own
 * declarations (the frameworks do not compile under `exactOptionalPropertyTypes` without DOM
 * types) are counted, not failed on: they are there for any app that imports those packages.
 */
function typecheck(tsc: string, cwd: string): void {
  let output: string
  try {
    output = run(tsc, ['-p', '.'], cwd)
  } catch (error) {
    output = String((error as { stdout?: unknown }).stdout ?? error)
  }
  const located = [...output.matchAll(/^(\S+?)\(\d+,\d+\): error TS\d+/gm)].map((m) => m[1]!)
  const ours = located.filter(
    (file) => !file.startsWith('node_modules/') || file.startsWith('node_modules/toolwire/'),
  )
  if (ours.length > 0 || (located.length === 0 && output.includes('error TS'))) throw new Error(output)
  if (located.length > 0)
    console.log(`types ok (${located.length} errors in the peers' own declarations ignored)`)
}

function sizeOf(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += sizeOf(path)
    else if (entry.isFile()) total += statSync(path).size
  }
  return total
}

const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json')
const entries = subpaths.map((subpath) => {
  const name = subpath === '.' ? 'toolwire' : `toolwire/${subpath.slice(2)}`
  const target = pkg.exports[subpath]!
  // ./dist/integrations/ai-sdk/index.js → src/integrations/ai-sdk/index.ts
  const file = (typeof target === 'string' ? target : target.default)
    .replace(/^\.\/dist\//, 'src/')
    .replace(/\.js$/, '.ts')
  return { name, ...exportsOf(join(root, file)) }
})

const work = mkdtempSync(join(tmpdir(), 'toolwire-package-'))
try {
  console.log('packing …')
  const tarball = join(
    work,
    run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!,
  )
  for (const zod of ZOD_VERSIONS) {
    const dir = join(work, `consumer-zod${zod}`)
    mkdirSync(join(dir, 'src'), { recursive: true })
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball, `zod@${zod}`], dir)
    const modules = join(dir, 'node_modules')
    const packages = readdirSync(modules).flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`)
        : name.startsWith('.')
          ? []
          : [name],
    )
    const bytes = sizeOf(modules) - sizeOf(join(modules, 'zod'))
    console.log(
      `zod@${zod}: production install ${(bytes / 1e6).toFixed(1)} MB in ${packages.length - 1} packages besides zod`,
    )
    // The integrations' frameworks are optional peers: a user of toolwire/ai-sdk has `ai`. Saved,
    // so that the `--no-save` install below does not prune them.
    if (PEERS.length > 0) run('npm', ['install', '--no-audit', '--no-fund', ...PEERS], dir)

    // Every export, by name: values must exist at run time, types must resolve.
    let check = ''
    for (const [i, e] of entries.entries()) {
      check += `import * as m${i} from '${e.name}'\n`
      if (e.types.length > 0)
        check += `import type { ${e.types.map((t) => `${t} as T${i}_${t}`).join(', ')} } from '${e.name}'\n`
    }
    check += `const expected: Record<string, [Record<string, unknown>, string[]]> = {\n`
    for (const [i, e] of entries.entries()) check += `  '${e.name}': [m${i}, ${JSON.stringify(e.values)}],\n`
    check += `}\nfor (const [name, [ns, values]] of Object.entries(expected)) {\n  for (const value of values) if (ns[value] === undefined) throw new Error(\`\${name} does not export \${value}\`)\n}\nconsole.log('exports ok')\n`
    writeFileSync(join(dir, 'src', 'exports.ts'), check)
    writeFileSync(join(dir, 'src', 'smoke.ts'), SMOKE)
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023', 'ESNext.Disposable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          outDir: 'out',
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['src'],
      }),
    )
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', 'typescript@5.9', '@types/node@20'], dir)
    typecheck(join(modules, '.bin', 'tsc'), dir)
    console.log(run('node', ['out/exports.js'], dir).trim())
    console.log(run('node', ['out/smoke.js'], dir).trim())
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
