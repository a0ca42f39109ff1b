/**
 * `npm run docs:samples`: rewrites every marked ```ts block of README.md and docs/**.md from
 * its region in docs/samples/, then lists what still needs a hand (blocks without a marker,
 * markers naming a missing file or region). Exits 1 when something does.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkMarkdown, markdownFiles, syncMarkdown } from './doc-samples.js'

const root = fileURLToPath(new URL('..', import.meta.url))
let failed = false
for (const file of markdownFiles(root)) {
  try {
    const { text, changed } = syncMarkdown(root, file)
    if (changed) {
      writeFileSync(join(root, file), text)
      console.log(`updated ${file}`)
    }
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`)
    failed = true
  }
  for (const problem of checkMarkdown(root, file)) {
    console.error(`${problem.file}:${problem.line}: ${problem.message}`)
    failed = true
  }
}
process.exitCode = failed ? 1 : 0
