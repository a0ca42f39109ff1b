// `npm run prepare`: builds dist/ when toolwire is installed from source (a git URL, `npm pack`,
// or a clone). A linked clone without its own dependencies cannot build: say what to do.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(join(root, 'node_modules', 'typescript'))) {
  console.error(
    `toolwire: cannot build from source in ${root}: its dependencies are not installed.\n` +
      `  Run \`npm ci\` there first, or install from a git URL (npm install git+https://…) or a\n` +
      '  packed tarball (`npm pack` in the clone, then npm install ./toolwire-<version>.tgz).',
  )
  process.exit(1)
}
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
process.exit(build.status ?? 1)
