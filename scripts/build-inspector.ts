/** `npm run build`: bundles the inspector's page (src/cli/inspect/web) into dist/cli/inspect/web. */
import { mkdir, writeFile } from 'node:fs/promises'
import { bundleFrontEnd } from '../src/cli/inspect/front-end-bundle.js'

const out = new URL('../dist/cli/inspect/web/', import.meta.url)
const { script, style } = await bundleFrontEnd()
await mkdir(out, { recursive: true })
await writeFile(new URL('app.js', out), script)
await writeFile(new URL('app.css', out), style)
console.log(`inspector page: app.js ${script.length} bytes, app.css ${style.length} bytes`)
