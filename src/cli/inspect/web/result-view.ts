/** A tool result as the page shows it: text, structured content, images, audio, resources; `isError` marked. */
import { h, jsonBlock } from './dom.js'

type Block = { type: string; [key: string]: unknown }
export interface ShownResult {
  content?: Block[]
  structuredContent?: unknown
  isError?: boolean
  traceId?: string
}

const BASE64 = /^[A-Za-z0-9+/=\s]*$/
const str = (v: unknown) => (typeof v === 'string' ? v : '')

function media(kind: 'image' | 'audio', block: Block): HTMLElement {
  const mime = str(block.mimeType)
  const data = str(block.data)
  // Only base64 of the matching media type becomes a data: URL (the page's CSP allows nothing else).
  if (!mime.startsWith(`${kind}/`) || !BASE64.test(data))
    return h('p', { class: 'warning' }, `${kind} with an unusable type or data (${mime})`)
  const src = `data:${mime};base64,${data.replace(/\s/g, '')}`
  return kind === 'image'
    ? h('img', { src, alt: 'image from the tool', class: 'result-image' })
    : h('audio', { src, controls: true })
}

/** The contents of a resource (`resources/read`, or embedded in a result); images shown. */
export function resourceContents(r: Record<string, unknown>): HTMLElement {
  if (typeof r.blob === 'string' && str(r.mimeType).startsWith('image/'))
    return h(
      'div',
      { class: 'resource' },
      h('code', {}, str(r.uri)),
      media('image', { type: 'image', mimeType: r.mimeType, data: r.blob }),
    )
  return resourceView(r)
}

function resource(block: Block): HTMLElement {
  const r = typeof block.resource === 'object' && block.resource !== null ? block.resource : {}
  return resourceView(r as Record<string, unknown>)
}

function resourceView(r: Record<string, unknown>): HTMLElement {
  return h(
    'div',
    { class: 'resource' },
    h(
      'div',
      { class: 'resource-uri' },
      'resource ',
      h('code', {}, str(r.uri)),
      r.mimeType ? ` (${str(r.mimeType)})` : '',
    ),
    typeof r.text === 'string'
      ? h('pre', {}, r.text)
      : h('p', {}, `binary, ${Math.floor((str(r.blob).length * 3) / 4)} bytes`),
  )
}

/** One content block: text, image, audio, embedded resource, resource link; JSON otherwise. */
export function block(b: Block): HTMLElement {
  switch (b.type) {
    case 'text':
      return h('pre', { class: 'text-block' }, str(b.text))
    case 'image':
      return media('image', b)
    case 'audio':
      return media('audio', b)
    case 'resource':
      return resource(b)
    case 'resource_link':
      return h(
        'div',
        { class: 'resource' },
        'link to resource ',
        h('code', {}, str(b.uri)),
        b.name ? ` ${str(b.name)}` : '',
      )
    default:
      return jsonBlock(b)
  }
}

export function resultView(result: ShownResult, meta: { durationMs?: number | undefined } = {}): HTMLElement {
  return h(
    'div',
    { class: result.isError ? 'result result-error' : 'result result-ok', 'data-testid': 'result' },
    h(
      'div',
      { class: 'result-head' },
      result.isError
        ? h('strong', { class: 'badge error' }, 'isError: the tool reported a failure')
        : h('strong', { class: 'badge ok' }, 'ok'),
      meta.durationMs === undefined ? '' : h('span', {}, ` ${meta.durationMs} ms`),
      result.traceId
        ? h('span', { class: 'trace' }, ' trace ', h('code', { 'data-testid': 'trace-id' }, result.traceId))
        : '',
    ),
    ...(result.content ?? []).map(block),
    result.structuredContent === undefined
      ? ''
      : h(
          'details',
          { open: true, class: 'structured' },
          h('summary', {}, 'structuredContent'),
          jsonBlock(result.structuredContent),
        ),
  )
}
