/**
 * Doc samples: every TypeScript block in README.md and docs/**.md is a copy of a region of a
 * type-checked file in docs/samples/, named by the marker line above the block:
 *
 *     <!-- sample: docs/samples/client.ts#options -->
 *     ```ts
 *     …the region's lines, dedented…
 *     ```
 *
 * A region is the lines between `// #region name` and `// #endregion name` (other region
 * markers inside it are left out); without `#name`, the whole file. `checkMarkdown` finds
 * blocks without a marker, markers naming a missing file or region, and blocks that differ
 * from their region; `syncMarkdown` rewrites the blocks from the files
 * (`npm run docs:samples`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Something wrong with a sample block or marker of a markdown file. */
export interface SampleProblem {
  /** The markdown file, relative to the repository root. */
  file: string
  /** 1-based line of the block's opening fence (or of the marker). */
  line: number
  message: string
}

interface Block {
  /** Index of the opening fence line. */
  open: number
  /** Index of the closing fence line. */
  close: number
  lang: string
  marker: { path: string; region: string | undefined } | undefined
  body: string
}

const MARKER = /^<!-- sample: (\S+?)(?:#([\w.-]+))? -->$/
const FENCE = /^```(\S*)\s*$/
const TYPESCRIPT = new Set(['ts', 'typescript'])
const REGION_START = /^\s*\/\/ #region ([\w.-]+)\s*$/
const REGION_END = /^\s*\/\/ #endregion(?: ([\w.-]+))?\s*$/

/** README.md and every markdown file under docs/, relative to `root`, sorted. */
export function markdownFiles(root: string): string[] {
  const found = ['README.md']
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.md')) found.push(path)
    }
  }
  walk('docs')
  return found.sort()
}

function blocksOf(lines: readonly string[]): Block[] {
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!)
    if (!fence) continue
    let close = i + 1
    while (close < lines.length && lines[close]!.trim() !== '```') close++
    const previous = i > 0 ? MARKER.exec(lines[i - 1]!.trim()) : null
    blocks.push({
      open: i,
      close,
      lang: fence[1]!,
      marker: previous ? { path: previous[1]!, region: previous[2] } : undefined,
      body: lines.slice(i + 1, close).join('\n'),
    })
    i = close
  }
  return blocks
}

function dedent(lines: readonly string[]): string {
  let start = 0
  let end = lines.length
  while (start < end && lines[start]!.trim() === '') start++
  while (end > start && lines[end - 1]!.trim() === '') end--
  const kept = lines.slice(start, end)
  const indents = kept.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length)
  const cut = indents.length > 0 ? Math.min(...indents) : 0
  return kept.map((l) => l.slice(cut).trimEnd()).join('\n')
}

/**
 * The text of `region` in the sample file at `path` (relative to `root`), or of the whole
 * file without its region markers. Throws an Error saying what is missing.
 */
export function readRegion(root: string, path: string, region: string | undefined): string {
  let text: string
  try {
    text = readFileSync(join(root, path), 'utf8')
  } catch {
    throw new Error(`${path} does not exist`)
  }
  const lines = text.split('\n')
  const isMarker = (line: string) => REGION_START.test(line) || REGION_END.test(line)
  if (region === undefined) return dedent(lines.filter((line) => !isMarker(line)))
  const starts = lines.flatMap((line, i) => (REGION_START.exec(line)?.[1] === region ? [i] : []))
  if (starts.length === 0) throw new Error(`${path} has no region "${region}"`)
  if (starts.length > 1) throw new Error(`${path} has ${starts.length} regions named "${region}"`)
  const start = starts[0]!
  const end = lines.findIndex((line, i) => i > start && REGION_END.exec(line)?.[1] === region)
  if (end < 0) throw new Error(`${path}: region "${region}" has no "// #endregion ${region}"`)
  return dedent(lines.slice(start + 1, end).filter((line) => !isMarker(line)))
}

function describeMarker(marker: NonNullable<Block['marker']>): string {
  return marker.region === undefined ? marker.path : `${marker.path}#${marker.region}`
}

/** What is wrong with the samples of one markdown file (relative to `root`). */
export function checkMarkdown(root: string, file: string): SampleProblem[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const problems: SampleProblem[] = []
  const blocks = blocksOf(lines)
  const markedFences = new Set(blocks.filter((b) => b.marker).map((b) => b.open - 1))
  const insideBlock = (i: number) => blocks.some((b) => i > b.open && i < b.close)
  lines.forEach((line, i) => {
    if (MARKER.test(line.trim()) && !markedFences.has(i) && !insideBlock(i))
      problems.push({ file, line: i + 1, message: 'a sample marker must sit right above a ```ts block' })
  })
  for (const block of blocks) {
    const line = block.open + 1
    if (!block.marker) {
      if (TYPESCRIPT.has(block.lang))
        problems.push({
          file,
          line,
          message: 'a ```ts block without a <!-- sample: docs/samples/<file>.ts#<region> --> marker above it',
        })
      continue
    }
    if (!TYPESCRIPT.has(block.lang)) {
      problems.push({ file, line, message: `a sample marker above a \`\`\`${block.lang} block (use ts)` })
      continue
    }
    let expected: string
    try {
      expected = readRegion(root, block.marker.path, block.marker.region)
    } catch (error) {
      problems.push({ file, line, message: (error as Error).message })
      continue
    }
    if (block.body !== expected) {
      problems.push({
        file,
        line,
        message: `differs from ${describeMarker(block.marker)} (run npm run docs:samples)`,
      })
    }
  }
  return problems
}

/** The markdown file with every marked block rewritten from its region; `changed` when it differs. */
export function syncMarkdown(root: string, file: string): { text: string; changed: boolean } {
  const original = readFileSync(join(root, file), 'utf8')
  const lines = original.split('\n')
  // From the last block up, so earlier line indexes stay valid.
  for (const block of blocksOf(lines).reverse()) {
    if (!block.marker || !TYPESCRIPT.has(block.lang)) continue
    const region = readRegion(root, block.marker.path, block.marker.region)
    lines.splice(block.open + 1, block.close - block.open - 1, ...region.split('\n'))
  }
  const text = lines.join('\n')
  return { text, changed: text !== original }
}
