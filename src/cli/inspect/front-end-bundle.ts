/** Bundles the page from `web/` with esbuild: at package build time, or on first use from the sources. */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The page's entry: beside this file in the sources; from dist/ (built without the page), in src/. */
function entryPoint(): string {
  const beside = fileURLToPath(new URL('./web/main.ts', import.meta.url))
  if (existsSync(beside)) return beside
  const sources = fileURLToPath(new URL('../../../src/cli/inspect/web/main.ts', import.meta.url))
  if (existsSync(sources)) return sources
  throw new Error(
    'the inspector page was not built (npm run build), and its sources are not here to build it',
  )
}

/** The page's script and style, minified. esbuild is a development dependency: not in installed packages. */
export async function bundleFrontEnd(): Promise<{ script: string; style: string }> {
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch {
    throw new Error(
      'the inspector page was not built (npm run build) and esbuild is not installed to build it',
    )
  }
  const result = await esbuild.build({
    entryPoints: [entryPoint()],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  })
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? ''
  return { script: text('.js'), style: text('.css') }
}
