/**
 * The inspector's page: HTML, and the script and style bundled from `web/` at package build
 * time (`scripts/build-inspector.ts` writes them beside this file in dist). Run from the
 * sources (tests, `npm run toolwire`), it bundles them on first use with esbuild, a development
 * dependency.
 */
import { readFile } from 'node:fs/promises'

export interface FrontEnd {
  html: string
  script: string
  style: string
}

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>toolwire inspect</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body><noscript>toolwire inspect needs JavaScript.</noscript></body>
</html>
`

let loaded: Promise<FrontEnd> | undefined

/** The page's files, read once. */
export function frontEnd(): Promise<FrontEnd> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined
    throw error
  })
  return loaded
}

async function load(): Promise<FrontEnd> {
  const dir = new URL('./web/', import.meta.url)
  try {
    const [script, style] = await Promise.all([
      readFile(new URL('app.js', dir), 'utf8'),
      readFile(new URL('app.css', dir), 'utf8'),
    ])
    return { html: HTML, script, style }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const { bundleFrontEnd } = await import('./front-end-bundle.js')
  return { html: HTML, ...(await bundleFrontEnd()) }
}
