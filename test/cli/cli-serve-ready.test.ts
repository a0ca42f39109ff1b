/** `toolwire serve` never reports a server up that cannot answer its calls (issue: CRM without its database). */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runTs } from '../support/child.js'

const serverModule = pathToFileURL(resolve('src/server/index.ts')).href

describe('toolwire serve and readiness', () => {
  it('a factory that needs its database, and a server whose readiness check fails, do not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-serve-'))
    const notReady = join(dir, 'not-ready.ts')
    writeFileSync(
      notReady,
      `import { ToolServer } from '${serverModule}'
export default new ToolServer({ name: 'orders', version: '1.0.0' })
  .tool('count', { input: { type: 'object' } }, () => '1')
  .readinessCheck('database', async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5433') })
`,
    )
    const [factory, failing] = await Promise.all([
      runTs(['src/cli/main.ts', 'serve', 'examples/crm/tools.ts', '--export', 'crmServer', '--port', '0']),
      runTs(['src/cli/main.ts', 'serve', notReady, '--port', '0']),
    ])
    expect(factory.code).toBe(2)
    expect(factory.stdout).toBe('')
    expect(factory.stderr).toMatch(
      /^error: examples\/crm\/tools\.ts: "crmServer" is a function of 1 argument\(s\) \(db\), which serve cannot provide/,
    )
    expect(failing.code).toBe(1)
    expect(failing.stdout).toBe('')
    expect(failing.stderr).toBe('error: orders is not ready: database: connect ECONNREFUSED 127.0.0.1:5433\n')
  })
})
