/** toolwire inspect: the page. Plain TypeScript and the DOM, bundled by esbuild into one script. */
import './style.css'
import { type ApiError, api, hasToken, listen } from './api.js'
import { chatView } from './chat-view.js'
import { fill, h } from './dom.js'
import { historyView } from './history-view.js'
import { inputDialog } from './input-dialog.js'
import { loadView } from './load-view.js'
import { promptsView } from './prompts-view.js'
import { resourcesView } from './resources-view.js'
import { serverView } from './server-view.js'
import { type Connection, type HistoryEntry, publish, state, subscribe, type Tool } from './state.js'
import { toolsView } from './tools-view.js'

interface Target {
  name: string
  url: string
  headers?: Record<string, string>
}

function headerLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
  }
  return headers
}

function connectBar(targets: Target[]): HTMLElement {
  const url = h('input', {
    name: 'url',
    type: 'url',
    placeholder: 'http://127.0.0.1:3000/mcp',
    required: true,
    value: targets[0]?.url ?? '',
  })
  const apiKey = h('input', {
    name: 'apiKey',
    type: 'password',
    placeholder: 'X-API-Key',
    autocomplete: 'off',
  })
  const bearer = h('input', {
    name: 'bearerToken',
    type: 'password',
    placeholder: 'bearer token',
    autocomplete: 'off',
  })
  const headers = h('textarea', { name: 'headers', rows: 1, placeholder: 'Name: value (one per line)' })
  const era = h(
    'select',
    { name: 'era' },
    h('option', { value: 'auto' }, 'era: auto'),
    h('option', { value: 'modern' }, 'modern (2026-07-28)'),
    h('option', { value: 'legacy' }, 'legacy (2025)'),
  )
  const oauth = h('input', { type: 'checkbox', name: 'oauth' })
  const button = h('button', { type: 'submit', class: 'primary' }, 'Connect')
  const disconnect = h('button', { type: 'button', hidden: true }, 'Disconnect')
  const status = h('div', { class: 'status', 'data-testid': 'status', role: 'status' })
  const choose = (target: Target) => {
    url.value = target.url
    headers.value = Object.entries(target.headers ?? {})
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n')
  }
  if (targets[0]) choose(targets[0])
  const picker =
    targets.length > 1
      ? h(
          'select',
          {
            name: 'target',
            onchange: (e: Event) => choose(targets[Number((e.target as HTMLSelectElement).value)]!),
          },
          ...targets.map((t, i) => h('option', { value: String(i) }, t.name)),
        )
      : ''
  const connected = (connection: Connection | null, tools: Tool[]) => {
    state.connection = connection
    state.tools = tools
    disconnect.hidden = !connection
    if (connection) {
      const info = connection.serverInfo ?? {}
      fill(
        status,
        h('span', { class: 'dot ok' }),
        `connected to ${info.name ?? '?'} ${info.version ?? ''} · protocol ${connection.protocolVersion ?? '?'} (${connection.era ?? '?'}) · ${tools.length} tools`,
      )
    }
    publish({ type: 'changed' })
  }
  const connect = async (event: Event) => {
    event.preventDefault()
    button.disabled = true
    fill(status, 'connecting…')
    try {
      const { connection } = await api<{ connection: Connection }>('/api/connect', {
        url: url.value,
        headers: headerLines(headers.value),
        apiKey: apiKey.value,
        bearerToken: bearer.value,
        era: era.value,
        oauth: oauth.checked,
      })
      const { tools } = await api<{ tools: Tool[] }>('/api/tools')
      connected(connection, tools)
    } catch (error) {
      connected(null, [])
      const e = error as ApiError
      fill(
        status,
        h('span', { class: 'dot bad' }),
        h('span', { class: 'error', 'data-testid': 'connect-error' }, e.message),
      )
    } finally {
      button.disabled = false
    }
  }
  disconnect.addEventListener('click', () => {
    void api('/api/disconnect', {}).then(() => {
      connected(null, [])
      fill(status, 'disconnected')
    })
  })
  const form = h(
    'form',
    { class: 'connect', onsubmit: (e: Event) => void connect(e) },
    picker,
    url,
    apiKey,
    bearer,
    headers,
    era,
    h(
      'label',
      { class: 'inline', title: 'MCP authorization in a new tab (authorization code + PKCE)' },
      oauth,
      ' OAuth',
    ),
    button,
    disconnect,
  )
  if (targets.length === 1) queueMicrotask(() => form.requestSubmit())
  return h('div', { class: 'connect-bar' }, form, status)
}

function tabs(views: Array<[string, HTMLElement]>): HTMLElement {
  const nav = h('nav', { class: 'tabs' })
  const main = h('main')
  const show = (name: string) => {
    for (const [n, view] of views) view.hidden = n !== name
    for (const button of nav.children) button.classList.toggle('active', button.textContent === name)
  }
  for (const [name, view] of views) {
    nav.appendChild(
      h('button', { type: 'button', onclick: () => show(name), 'data-tab': name.toLowerCase() }, name),
    )
    main.appendChild(view)
  }
  show(views[0]![0])
  return h('div', { class: 'workspace' }, nav, main)
}

async function start(): Promise<void> {
  if (!hasToken) {
    document.body.append(
      h(
        'p',
        { class: 'error' },
        'This page needs the token: open the full URL that toolwire inspect printed.',
      ),
    )
    return
  }
  void listen(publish)
  const notices = h('div', { class: 'notices' })
  subscribe((event) => {
    if (event.type === 'oauth' && typeof event.url === 'string' && /^https?:/.test(event.url)) {
      window.open(event.url, '_blank', 'noopener')
      fill(
        notices,
        h(
          'p',
          {},
          'Authorize in the tab that opened, or ',
          h('a', { href: event.url, target: '_blank', rel: 'noopener' }, 'open the authorization page'),
          '.',
        ),
      )
    } else if (event.type === 'warning') {
      notices.appendChild(h('p', { class: 'warning' }, String(event.message)))
    }
  })
  const [{ targets, chat }, { history }] = await Promise.all([
    api<{ targets: Target[]; chat: boolean }>('/api/targets'),
    api<{ history: HistoryEntry[] }>('/api/history'),
  ])
  for (const entry of history.reverse()) publish({ type: 'history', entry })
  document.body.append(
    h('header', {}, h('h1', {}, 'toolwire inspect'), connectBar(targets)),
    notices,
    tabs([
      ['Tools', toolsView()],
      ['Resources', resourcesView()],
      ['Prompts', promptsView()],
      ['Server', serverView()],
      ['History', historyView()],
      ['Load', loadView()],
      ['Chat', chatView(chat)],
    ]),
    inputDialog(),
  )
}

void start()
