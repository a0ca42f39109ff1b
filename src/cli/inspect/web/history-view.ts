/** Every request: status, duration, trace id; a click shows its JSON-RPC and the `toolwire call` command. */
import { fill, h, jsonBlock } from './dom.js'
import { type HistoryEntry, state, subscribe } from './state.js'

export function copyButton(text: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'copy' }, 'copy')
  button.addEventListener('click', () => {
    void navigator.clipboard?.writeText(text).then(
      () => (button.textContent = 'copied'),
      () => (button.textContent = 'select and copy'),
    )
  })
  return button
}

export function commandLine(command: string): HTMLElement {
  return h('div', { class: 'command' }, h('code', { 'data-testid': 'command' }, command), copyButton(command))
}

export function historyView(): HTMLElement {
  const rows = h('tbody')
  const detail = h('div', { class: 'history-detail' })
  let selected: number | undefined
  const show = (entry: HistoryEntry) => {
    selected = entry.id
    fill(
      detail,
      h('h3', {}, `#${entry.id} ${entry.method} ${entry.target}`),
      entry.command ? commandLine(entry.command) : '',
      h('h4', {}, 'request'),
      jsonBlock(entry.request, { 'data-testid': 'raw-request' }),
      h('h4', {}, 'response'),
      entry.response === undefined
        ? h('p', { class: 'empty' }, 'pending')
        : jsonBlock(entry.response, { 'data-testid': 'raw-response' }),
    )
  }
  const render = () => {
    fill(
      rows,
      ...[...state.history.values()]
        .reverse()
        .map((entry) =>
          h(
            'tr',
            { class: `status-${entry.status}`, onclick: () => show(entry), 'data-history-id': entry.id },
            h('td', {}, String(entry.id)),
            h('td', {}, entry.method),
            h('td', {}, entry.target),
            h('td', { class: 'status' }, entry.status),
            h('td', { class: 'number' }, entry.durationMs === undefined ? '' : `${entry.durationMs} ms`),
            h('td', {}, h('code', {}, entry.traceId ?? '')),
          ),
        ),
    )
    const current = selected === undefined ? undefined : state.history.get(selected)
    if (current) show(current)
  }
  subscribe((event) => {
    if (event.type === 'history') render()
  })
  return h(
    'section',
    { class: 'view', id: 'history-view' },
    h(
      'table',
      { class: 'history' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['#', 'method', 'target', 'status', 'duration', 'trace id'].map((t) => h('th', {}, t)),
        ),
      ),
      rows,
    ),
    detail,
  )
}
