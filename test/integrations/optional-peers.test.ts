/**
 * The frameworks are optional peer dependencies: no subpath but their own integration may reach
 * them, and `toolwire/openai-agents` needs `@openai/agents` for its types only (nothing of it is
 * loaded at run time).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const FRAMEWORK = /^(ai|@ai-sdk\/[^/]+|@openai\/agents[^/]*|fastify|hono|@hono\/[^/]+)(\/|$)/

/** Every framework package the entry point's import graph (type imports included) names. */
function frameworksReachedFrom(entry: string): string[] {
  const reached = new Set<string>()
  for (const file of ownModulesOf(entry)) {
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles) {
      const framework = FRAMEWORK.exec(specifier)
      if (framework) reached.add(framework[1]!)
    }
  }
  return [...reached].sort()
}

/** The JavaScript a module compiles to: type-only imports are gone, runtime imports stay. */
function emittedCode(text: string): string {
  return ts.transpileModule(text, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      verbatimModuleSyntax: true,
      removeComments: true,
    },
  }).outputText
}

describe('optional peer dependencies', () => {
  it.each([
    'src/index.ts',
    'src/client/index.ts',
    'src/server/index.ts',
    'src/server/web/index.ts',
    'src/agent/index.ts',
  ])('%s reaches no framework package', (entry) => {
    expect(frameworksReachedFrom(entry)).toEqual([])
  })

  it('each integration reaches only its own framework', () => {
    expect(frameworksReachedFrom('src/integrations/ai-sdk/index.ts')).not.toContain('@openai/agents')
    const agents = frameworksReachedFrom('src/integrations/openai-agents/index.ts')
    expect(agents).toContain('@openai/agents')
    expect(agents).not.toContain('ai')
    expect(frameworksReachedFrom('src/integrations/fastify/index.ts')).toEqual(['fastify'])
  })

  it('toolwire/fastify imports fastify for types only', () => {
    const emitted = emittedCode(readFileSync(`${root}src/integrations/fastify/fastify-mcp.ts`, 'utf8'))
    expect(emitted).not.toMatch(/(from |import\()'fastify'/)
  })

  it('toolwire/openai-agents imports @openai/agents for types only', () => {
    const folder = `${root}src/integrations/openai-agents/`
    const sources = readdirSync(folder).filter((name) => name.endsWith('.ts'))
    expect(sources.length).toBeGreaterThan(3)
    for (const name of sources) {
      const emitted = emittedCode(readFileSync(`${folder}${name}`, 'utf8'))
      expect(emitted, name).not.toMatch(/(from |import\()'@openai\//)
    }
  })
})

/** Our own modules reachable from `entry` (type imports included). */
function ownModulesOf(entry: string): string[] {
  const seen = new Set<string>()
  const queue = [`${root}${entry}`]
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue
    seen.add(file)
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) queue.push(join(dirname(file), fileName.replace(/\.js$/, '.ts')))
    }
  }
  return [...seen]
}

/** Optional peers of the core subpaths: imported with `import()` when a feature needs them, never at load. */
const LAZY_PEER =
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*'(zod|openai|ioredis|rate-limiter-flexible|bullmq)(?:\/[^']*)?'/m

describe('optional peers loaded lazily (issue 14: a server + client app installs none of them)', () => {
  it.each(['src/index.ts', 'src/client/index.ts', 'src/server/index.ts', 'src/agent/index.ts'])(
    '%s imports zod, openai, ioredis, rate-limiter-flexible and bullmq only with import()',
    (entry) => {
      const modules = ownModulesOf(entry)
      expect(modules.length).toBeGreaterThan(3)
      for (const file of modules) {
        const emitted = emittedCode(readFileSync(file, 'utf8'))
        expect(LAZY_PEER.exec(emitted)?.[0], file).toBeUndefined()
      }
    },
  )
})
