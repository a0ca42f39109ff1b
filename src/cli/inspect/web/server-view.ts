/** The connected server: name, version, protocol version and era, capabilities, instructions. */
import { fill, h, jsonBlock } from './dom.js'
import { state, subscribe } from './state.js'

export function serverView(): HTMLElement {
  const view = h('section', { class: 'view', id: 'server-view' })
  const render = () => {
    const c = state.connection
    if (!c) return fill(view, h('p', { class: 'empty' }, 'Not connected. Enter a server URL above.'))
    fill(
      view,
      h(
        'h2',
        {},
        c.serverInfo?.title ?? c.serverInfo?.name ?? 'server',
        ' ',
        h('small', {}, c.serverInfo?.version ?? ''),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'endpoint'),
        h('dd', {}, h('code', {}, c.url)),
        h('dt', {}, 'protocol'),
        h(
          'dd',
          { 'data-testid': 'protocol' },
          c.protocolVersion ?? '?',
          ' ',
          h(
            'span',
            { class: `badge ${c.era}` },
            c.era === 'modern' ? 'modern era (stateless)' : 'legacy era (2025, initialize)',
          ),
        ),
        h('dt', {}, 'tools'),
        h('dd', {}, String(state.tools.length)),
      ),
      h('h3', {}, 'Capabilities'),
      jsonBlock(c.capabilities ?? {}),
      h('h3', {}, 'Instructions'),
      c.instructions
        ? h('pre', { class: 'instructions' }, c.instructions)
        : h('p', { class: 'empty' }, 'none'),
    )
  }
  subscribe((event) => {
    if (event.type === 'changed') render()
  })
  render()
  return view
}
