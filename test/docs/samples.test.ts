/**
 * Every TypeScript block of README.md and docs/**.md is a region of a type-checked file in
 * docs/samples/ (scripts/doc-samples.ts): no block without a marker, no marker naming a
 * missing file or region, no block that drifted from its region.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { checkMarkdown, markdownFiles, readRegion, syncMarkdown } from '../../scripts/doc-samples.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('the documentation samples', () => {
  const files = markdownFiles(root)

  it('covers the README and the docs folder', () => {
    expect(files).toContain('README.md')
    expect(files).toContain('docs/README.md')
    expect(files.length).toBeGreaterThan(10)
  })

  it.each(files)('%s: every ts block has a marker and equals its region', (file) => {
    expect(checkMarkdown(root, file)).toEqual([])
  })

  it('are checked by the compiler: docs/ is in tsconfig.json', () => {
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { include: string[] }
    expect(tsconfig.include).toContain('docs')
  })
})

describe('the sample checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolwire-doc-samples-'))
  mkdirSync(join(dir, 'docs', 'samples'), { recursive: true })
  writeFileSync(
    join(dir, 'docs/samples/a.ts'),
    [
      "import { z } from 'zod'",
      'export function f() {',
      '  // #region body',
      '  const x = z.string()',
      '  // #region inner',
      '  return x',
      '  // #endregion inner',
      '  // #endregion body',
      '}',
      '',
    ].join('\n'),
  )
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const check = (markdown: string) => {
    writeFileSync(join(dir, 'docs/page.md'), markdown)
    return checkMarkdown(dir, 'docs/page.md').map((p) => `${p.line}: ${p.message}`)
  }
  const block = (marker: string, body: string, lang = 'ts') =>
    `# Page\n\n${marker}\n\`\`\`${lang}\n${body}\n\`\`\`\n`

  it('reads a region dedented, without the markers of regions inside it', () => {
    expect(readRegion(dir, 'docs/samples/a.ts', 'body')).toBe('const x = z.string()\nreturn x')
    expect(readRegion(dir, 'docs/samples/a.ts', 'inner')).toBe('return x')
    expect(readRegion(dir, 'docs/samples/a.ts', undefined)).toBe(
      "import { z } from 'zod'\nexport function f() {\n  const x = z.string()\n  return x\n}",
    )
  })

  it('accepts a block equal to its region, and blocks of other languages without a marker', () => {
    expect(
      check(
        `${block('<!-- sample: docs/samples/a.ts#body -->', 'const x = z.string()\nreturn x')}\n\`\`\`sh\nnpm test\n\`\`\`\n`,
      ),
    ).toEqual([])
  })

  it('fails on a ts or typescript block without a marker', () => {
    expect(check(block('', 'const a = 1'))).toEqual([
      '4: a ```ts block without a <!-- sample: docs/samples/<file>.ts#<region> --> marker above it',
    ])
    expect(check(block('', 'const a = 1', 'typescript'))).toHaveLength(1)
  })

  it('fails on a block that differs from its region', () => {
    expect(check(block('<!-- sample: docs/samples/a.ts#inner -->', 'return y'))).toEqual([
      '4: differs from docs/samples/a.ts#inner (run npm run docs:samples)',
    ])
  })

  it('fails on a marker naming a missing file or region, or on no block', () => {
    expect(check(block('<!-- sample: docs/samples/missing.ts#body -->', 'x'))).toEqual([
      '4: docs/samples/missing.ts does not exist',
    ])
    expect(check(block('<!-- sample: docs/samples/a.ts#nope -->', 'x'))).toEqual([
      '4: docs/samples/a.ts has no region "nope"',
    ])
    expect(check('<!-- sample: docs/samples/a.ts#body -->\n\nText.\n')).toEqual([
      '1: a sample marker must sit right above a ```ts block',
    ])
    // A marker shown inside a code block is text, not a marker.
    expect(check('```\n<!-- sample: docs/samples/a.ts#body -->\n```\n')).toEqual([])
  })

  it('rewrites drifted blocks from their regions', () => {
    writeFileSync(join(dir, 'docs/page.md'), block('<!-- sample: docs/samples/a.ts#inner -->', 'old\ncode'))
    const synced = syncMarkdown(dir, 'docs/page.md')
    expect(synced.changed).toBe(true)
    expect(synced.text).toBe(block('<!-- sample: docs/samples/a.ts#inner -->', 'return x'))
  })
})
