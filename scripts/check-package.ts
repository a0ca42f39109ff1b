/**
 * `npm run test:package`: the package as users get it. Packs toolwire (`npm pack`, which builds
 * through `prepare`) and installs the tarball into fresh consumer projects, one per supported
 * schema combination, each type-checked (`tsc --strict`, `skipLibCheck: false`) and run:
 *  - `plain`: no schema library, no optional peer — plain JSON Schema tools, server + client
 *    (+ an agent on a scripted model); its production install must stay ≤ 15 MB (printed);
 *  - `zod4`: zod 4 with every optional peer — every export of every subpath, and a smoke run;
 *  - `zod3`: zod 3.25 through `zod/v4`; `valibot`: valibot + @valibot/to-json-schema.
 * One npm cache, `--prefer-offline`; TypeScript is installed once for all. Fails on any error.
 * Needs the npm registry (or a warm cache).
 */
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
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

/** No schema library and no optional peer: plain JSON Schema tools; an agent on a scripted model; the missing openai named. */
const PLAIN = `import { MCPServerStreamableHttp } from 'toolwire/client'
import { serve, ToolServer, type RateLimitOptions } from 'toolwire/server'
import { Agent, OpenAIChatCompletionsModel, Runner, tool } from 'toolwire/agent'
import { ScriptedModel } from 'toolwire/agent/testing'

const server = new ToolServer({ name: 'plain', version: '1.0.0' }).tool(
  'add',
  {
    input: {
      type: 'object',
      properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
  },
  (args) => ({ sum: Number(args.a) + Number(args.b) }),
)
const rateLimit: RateLimitOptions = { points: 100, durationSeconds: 60 }
await using running = await serve(server, { port: 0, env: false, rateLimit })
await using client = await new MCPServerStreamableHttp({ name: 'plain', params: { url: running.url } }).connect()
const [listed] = await client.listTools()
if (JSON.stringify(listed?.inputSchema.properties) !== '{"a":{"type":"number","description":"first"},"b":{"type":"number"}}')
  throw new Error(\`published schema: \${JSON.stringify(listed?.inputSchema)}\`)
const result = await client.callTool('add', { a: 2, b: 3 })
if ((result.structuredContent as { sum: number }).sum !== 5) throw new Error('wrong sum')
const invalid = await client.callTool('add', { a: 'two' })
const text = invalid.content[0]?.type === 'text' ? invalid.content[0].text : ''
if (!invalid.isError || !text.includes('a: ') || !text.includes('b: Required')) throw new Error(\`invalid arguments: \${text}\`)

const double = tool({
  name: 'double',
  description: 'Doubles n',
  parameters: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  execute: (args) => String(Number(args.n) * 2),
})
const model = new ScriptedModel([{ toolCalls: [{ name: 'double', arguments: { n: 21 } }] }, { answer: 'done' }])
const run = await Runner.run(new Agent({ name: 'a', instructions: 'x', model, tools: [double] }), 'double 21')
if (run.finalOutput !== 'done') throw new Error('agent run failed')
// openai is an optional peer: using an OpenAI model without it says what to install.
const missing = await new OpenAIChatCompletionsModel({ model: 'm', apiKey: 'k' })
  .getResponse({ instructions: '', input: [], tools: [], settings: {} } as never)
  .then(() => undefined, (error: unknown) => error as { code?: string; message?: string })
if (missing?.code !== 'TOOLWIRE_CONFIG' || !missing.message?.includes('npm install openai'))
  throw new Error(\`missing openai: \${missing?.message}\`)
console.log('plain JSON Schema ok, agent ok, missing openai named')
`

/** zod 3.25 through its zod/v4 entry: types, published JSON Schema (descriptions included), validation. */
const ZOD3 = `import { MCPServerStreamableHttp } from 'toolwire/client'
import { serve, ToolServer } from 'toolwire/server'
import { z } from 'zod/v4'

const server = new ToolServer({ name: 'zod3', version: '1.0.0' }).tool(
  'greet',
  { input: z.object({ name: z.string().min(2).describe('who'), times: z.number().int().default(1) }) },
  ({ name, times }) => Array.from({ length: times }, () => \`hi \${name}\`).join(' '),
)
await using running = await serve(server, { port: 0, env: false })
await using client = await new MCPServerStreamableHttp({ name: 'zod3', params: { url: running.url } }).connect()
const [listed] = await client.listTools()
const name = (listed?.inputSchema.properties as Record<string, { description?: string }> | undefined)?.name
if (name?.description !== 'who') throw new Error(\`published schema: \${JSON.stringify(listed?.inputSchema)}\`)
const result = await client.callTool('greet', { name: 'Ada', times: 2 })
if (result.content[0]?.type !== 'text' || result.content[0].text !== 'hi Ada hi Ada') throw new Error('wrong answer')
const invalid = await client.callTool('greet', { name: 'A' })
if (!invalid.isError || !JSON.stringify(invalid.content).includes('name: ')) throw new Error('invalid arguments accepted')
console.log('zod 3.25 (zod/v4) ok')
`

/** valibot: validation by its Standard Schema, JSON Schema from @valibot/to-json-schema. */
const VALIBOT = `import { toJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { MCPServerStreamableHttp } from 'toolwire/client'
import { serve, ToolServer } from 'toolwire/server'

const input = v.object({ city: v.pipe(v.string(), v.minLength(2)), days: v.optional(v.number(), 1) })
const server = new ToolServer({ name: 'valibot', version: '1.0.0' }).tool(
  'forecast',
  { input, inputSchema: toJsonSchema(input) },
  ({ city, days }) => \`\${city}: \${days} day(s)\`,
)
await using running = await serve(server, { port: 0, env: false })
await using client = await new MCPServerStreamableHttp({ name: 'valibot', params: { url: running.url } }).connect()
const result = await client.callTool('forecast', { city: 'Oslo' })
if (result.content[0]?.type !== 'text' || result.content[0].text !== 'Oslo: 1 day(s)') throw new Error('wrong answer')
const invalid = await client.callTool('forecast', { city: 'X' })
if (!invalid.isError || !JSON.stringify(invalid.content).includes('city: ')) throw new Error('invalid arguments accepted')
console.log('valibot ok')
`

const root = resolve(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { default: string } | string>
  peerDependencies?: Record<string, string>
  devDependencies: Record<string, string>
}
/** The optional peers (the frameworks of toolwire/openai-agents, toolwire/ai-sdk), at the versions tested. */
const PEERS = Object.keys(pkg.peerDependencies ?? {}).map((name) => `${name}@${pkg.devDependencies[name]}`)
/** The production install of a server + client app without agent model, Redis or schema library. */
const FOOTPRINT_LIMIT_MB = 15
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline']

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
    // `export type { AClass }` exports a class as a type only: nothing exists at run time.
    const typeOnly = symbol.declarations?.some(
      (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
    )
    if (target.flags & ts.SymbolFlags.Value && !typeOnly) values.push(symbol.name)
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

/** Packages under `modules`, nested ones included (`@scope/name` counts once). */
function packagesIn(modules: string): string[] {
  const found: string[] = []
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue
    const names = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name]
    for (const pkgName of names) {
      found.push(pkgName)
      const nested = join(modules, pkgName, 'node_modules')
      if (existsSync(nested)) found.push(...packagesIn(nested))
    }
  }
  return found
}

interface Consumer {
  name: string
  /** Installed beside the tarball (production install). */
  dependencies: string[]
  /** src/<file>.ts, compiled and run in this order. */
  sources: Record<string, string>
  /** Also installs every optional peer and checks every export of every subpath. */
  everyExport?: boolean
  /** Measures the production install and fails above the limit. */
  footprint?: boolean
}

const CONSUMERS: Consumer[] = [
  { name: 'plain', dependencies: [], sources: { plain: PLAIN }, footprint: true },
  { name: 'zod4', dependencies: ['zod@^4'], sources: { smoke: SMOKE }, everyExport: true },
  { name: 'zod3', dependencies: ['zod@^3.25'], sources: { zod3: ZOD3 } },
  {
    name: 'valibot',
    dependencies: ['valibot@^1', '@valibot/to-json-schema@^1'],
    sources: { valibot: VALIBOT },
  },
]

const TSCONFIG = {
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
}

const only = process.env.TOOLWIRE_CHECK_CONSUMERS?.split(',')
const work = mkdtempSync(join(tmpdir(), 'toolwire-package-'))
try {
  console.log('packing …')
  const tarball = join(
    work,
    run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!,
  )
  // TypeScript and Node's types once, in the folder above the consumers: tsc finds @types/node
  // there, and no consumer sees a package it did not install itself (there is no zod up there).
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'tools', private: true }))
  run('npm', [...NPM_INSTALL, 'typescript@5.9', '@types/node@20'], work)
  const tsc = join(work, 'node_modules', '.bin', 'tsc')
  for (const consumer of CONSUMERS.filter((c) => !only || only.includes(c.name))) {
    const dir = join(work, 'consumers', consumer.name)
    mkdirSync(join(dir, 'src'), { recursive: true })
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: consumer.name, private: true, type: 'module' }),
    )
    run('npm', [...NPM_INSTALL, '--omit=dev', tarball, ...consumer.dependencies], dir)
    const modules = join(dir, 'node_modules')
    if (consumer.footprint) {
      const bytes = sizeOf(modules)
      const packages = packagesIn(modules)
      const mb = bytes / 1e6
      console.log(
        `footprint: a server + client app without agent model, Redis or schema library installs ${mb.toFixed(1)} MB in ${packages.length} packages (toolwire and ${packages.length - 1} dependencies)`,
      )
      if (mb > FOOTPRINT_LIMIT_MB) {
        const sizes = packages
          .filter((name) => !name.includes('/node_modules/'))
          .map((name) => ({ name, bytes: existsSync(join(modules, name)) ? sizeOf(join(modules, name)) : 0 }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, 8)
          .map(({ name, bytes }) => `${name} ${(bytes / 1e6).toFixed(1)} MB`)
        throw new Error(
          `the production install is ${mb.toFixed(1)} MB, over ${FOOTPRINT_LIMIT_MB} MB: ${sizes.join(', ')}`,
        )
      }
    }
    if (consumer.everyExport) {
      // The integrations' frameworks are optional peers: a user of toolwire/ai-sdk has `ai`.
      if (PEERS.length > 0) run('npm', [...NPM_INSTALL, ...PEERS], dir)
      writeFileSync(join(dir, 'src', 'exports.ts'), exportsCheck())
    }
    for (const [file, source] of Object.entries(consumer.sources))
      writeFileSync(join(dir, 'src', `${file}.ts`), source)
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG))
    typecheck(tsc, dir)
    const files = [...(consumer.everyExport ? ['exports'] : []), ...Object.keys(consumer.sources)]
    for (const file of files) console.log(`${consumer.name}: ${run('node', [`out/${file}.js`], dir).trim()}`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

/** Every export, by name: values must exist at run time, types must resolve. */
function exportsCheck(): string {
  let check = ''
  for (const [i, e] of entries.entries()) {
    check += `import * as m${i} from '${e.name}'\n`
    if (e.types.length > 0)
      check += `import type { ${e.types.map((t) => `${t} as T${i}_${t}`).join(', ')} } from '${e.name}'\n`
  }
  check += `const expected: Record<string, [Record<string, unknown>, string[]]> = {\n`
  for (const [i, e] of entries.entries()) check += `  '${e.name}': [m${i}, ${JSON.stringify(e.values)}],\n`
  check += `}\nfor (const [name, [ns, values]] of Object.entries(expected)) {\n  for (const value of values) if (ns[value] === undefined) throw new Error(\`\${name} does not export \${value}\`)\n}\nconsole.log('exports ok')\n`
  return check
}
