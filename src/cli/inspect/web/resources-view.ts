/** Resources and resource templates: listed, and read (a template's URI filled in by hand). */
import { type ApiError, api } from './api.js'
import { fill, h, jsonBlock } from './dom.js'
import { resourceContents } from './result-view.js'
import { state, subscribe } from './state.js'

interface Listed {
  uri?: string
  uriTemplate?: string
  name?: string
  title?: string
  description?: string
  mimeType?: string
}

export function resourcesView(): HTMLElement {
  const list = h('ul', { class: 'tool-list' })
  const uri = h('input', { name: 'resource-uri', type: 'text', placeholder: 'resource URI' })
  const output = h('div', { class: 'output' })
  const read = async (event?: Event) => {
    event?.preventDefault()
    fill(output, 'reading…')
    try {
      const { result } = await api<{ result: { contents?: Array<Record<string, unknown>> } }>(
        '/api/resources/read',
        {
          uri: uri.value,
        },
      )
      fill(
        output,
        ...(result.contents ?? []).map(resourceContents),
        h('details', {}, h('summary', {}, 'raw'), jsonBlock(result)),
      )
    } catch (error) {
      fill(output, h('p', { class: 'error', 'data-testid': 'resource-error' }, (error as ApiError).message))
    }
  }
  const item = (entry: Listed, template: boolean) =>
    h(
      'li',
      {
        'data-uri': entry.uri ?? entry.uriTemplate ?? '',
        onclick: () => {
          uri.value = entry.uri ?? entry.uriTemplate ?? ''
          if (!template) void read()
          else uri.focus()
        },
      },
      h('span', { class: 'tool-name' }, entry.title ?? entry.name ?? entry.uri ?? entry.uriTemplate ?? ''),
      h('code', {}, entry.uri ?? entry.uriTemplate ?? ''),
      template ? h('span', { class: 'badge' }, 'template') : '',
      entry.mimeType ? h('span', { class: 'hint' }, entry.mimeType) : '',
    )
  const render = async () => {
    if (!state.connection?.capabilities?.resources) {
      fill(
        list,
        h('li', { class: 'empty' }, state.connection ? 'The server offers no resources.' : 'Not connected.'),
      )
      return
    }
    try {
      const { resources, templates } = await api<{ resources: Listed[]; templates: Listed[] }>(
        '/api/resources',
      )
      fill(list, ...resources.map((r) => item(r, false)), ...templates.map((t) => item(t, true)))
    } catch (error) {
      fill(list, h('li', { class: 'error' }, (error as ApiError).message))
    }
  }
  subscribe((event) => {
    if (event.type === 'changed') void render()
  })
  return h(
    'section',
    { class: 'view split', id: 'resources-view' },
    list,
    h(
      'div',
      { class: 'tool-detail' },
      h(
        'form',
        { class: 'inline-form', onsubmit: (e: Event) => void read(e) },
        uri,
        h('button', { type: 'submit', class: 'primary' }, 'Read'),
      ),
      output,
    ),
  )
}
