/** Tools: the list, and for the chosen one its schema form, a call with progress, logs, cancel and the result. */
import { type ApiError, api } from './api.js'
import { fill, h, jsonBlock } from './dom.js'
import { commandLine } from './history-view.js'
import { resultView, type ShownResult } from './result-view.js'
import { type JsonSchema, schemaForm } from './schema-form.js'
import { state, subscribe, type Tool } from './state.js'

const HINTS: Array<[string, string]> = [
  ['readOnlyHint', 'read-only'],
  ['destructiveHint', 'destructive'],
  ['idempotentHint', 'idempotent'],
  ['openWorldHint', 'open world'],
]

function badges(tool: Tool): HTMLElement {
  const a = tool.annotations ?? {}
  return h(
    'span',
    { class: 'badges' },
    ...HINTS.filter(([key]) => a[key] === true).map(([, label]) =>
      h('span', { class: `badge ${label.replace(' ', '-')}` }, label),
    ),
  )
}

let callCount = 0

function toolPanel(tool: Tool): HTMLElement {
  const form = schemaForm(tool.inputSchema as JsonSchema)
  const raw = h('textarea', { class: 'raw-json', rows: 8, hidden: true, 'aria-label': 'arguments as JSON' })
  const rawToggle = h('input', { type: 'checkbox', 'data-testid': 'raw-toggle' })
  rawToggle.addEventListener('change', () => {
    if (rawToggle.checked) raw.value = JSON.stringify(form.read().value ?? {}, null, 2)
    raw.hidden = !rawToggle.checked
    form.element.hidden = rawToggle.checked
  })
  const problems = h('ul', { class: 'problems' })
  const progress = h(
    'div',
    { class: 'progress', hidden: true },
    h('progress', {}),
    h('span', { class: 'progress-text' }),
  )
  const logs = h('ol', { class: 'logs' })
  const output = h('div', { class: 'output' })
  const callButton = h('button', { type: 'submit', class: 'primary' }, 'Call')
  const cancelButton = h('button', { type: 'button', disabled: true }, 'Cancel')
  let callId: string | undefined

  const argumentsOf = (): Record<string, unknown> | undefined => {
    fill(problems)
    if (rawToggle.checked) {
      try {
        const parsed = JSON.parse(raw.value || '{}') as unknown
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          return parsed as Record<string, unknown>
        fill(problems, h('li', {}, 'the arguments must be a JSON object'))
      } catch (error) {
        fill(problems, h('li', {}, (error as Error).message))
      }
      return undefined
    }
    const reading = form.read()
    if (reading.problems.length > 0) {
      fill(problems, ...reading.problems.map((p) => h('li', {}, p)))
      return undefined
    }
    return (reading.value ?? {}) as Record<string, unknown>
  }

  const call = async (event: Event) => {
    event.preventDefault()
    const args = argumentsOf()
    if (!args) return
    callId = `call-${Date.now().toString(36)}-${++callCount}`
    fill(logs)
    fill(output)
    progress.hidden = true
    callButton.disabled = true
    cancelButton.disabled = false
    try {
      const answer = await api<{ result: ShownResult; command: string; durationMs: number }>('/api/calls', {
        callId,
        tool: tool.name,
        arguments: args,
      })
      fill(output, resultView(answer.result, { durationMs: answer.durationMs }), commandLine(answer.command))
    } catch (error) {
      const e = error as ApiError
      fill(
        output,
        h(
          'div',
          { class: 'result result-error', 'data-testid': 'call-error' },
          h('strong', { class: 'badge error' }, e.code ?? 'error'),
          ' ',
          e.message,
          e.traceId
            ? h('span', { class: 'trace' }, ' trace ', h('code', { 'data-testid': 'trace-id' }, e.traceId))
            : '',
        ),
      )
    } finally {
      callId = undefined
      callButton.disabled = false
      cancelButton.disabled = true
    }
  }
  cancelButton.addEventListener('click', () => {
    if (callId) void api(`/api/calls/${callId}/cancel`, {}).catch(() => {})
  })
  const unsubscribe = subscribe((event) => {
    if (!element.isConnected && callId === undefined) return unsubscribe()
    if (event.callId !== callId || callId === undefined) return
    if (event.type === 'progress') {
      progress.hidden = false
      const bar = progress.querySelector('progress')!
      if (typeof event.total === 'number') {
        bar.max = event.total
        bar.value = Number(event.progress)
      }
      progress.querySelector('.progress-text')!.textContent =
        ` ${String(event.progress)}${typeof event.total === 'number' ? ` / ${event.total}` : ''} ${typeof event.message === 'string' ? event.message : ''}`
    } else if (event.type === 'log') {
      logs.appendChild(
        h(
          'li',
          { class: `log-${String(event.level)}` },
          h('span', { class: 'level' }, String(event.level)),
          ' ',
          typeof event.data === 'string' ? event.data : JSON.stringify(event.data),
        ),
      )
    }
  })

  const element = h(
    'div',
    { class: 'tool-panel', 'data-tool': tool.name },
    h('h2', {}, tool.title ?? tool.name, ' ', badges(tool)),
    tool.description ? h('p', { class: 'description' }, tool.description) : '',
    h('details', {}, h('summary', {}, 'input schema'), jsonBlock(tool.inputSchema)),
    tool.outputSchema
      ? h('details', {}, h('summary', {}, 'output schema'), jsonBlock(tool.outputSchema))
      : '',
    h(
      'form',
      { class: 'call-form', onsubmit: (e: Event) => void call(e) },
      form.element,
      raw,
      h('label', { class: 'inline' }, rawToggle, ' raw JSON'),
      problems,
      h('div', { class: 'actions' }, callButton, cancelButton),
    ),
    progress,
    logs,
    output,
  )
  return element
}

export function toolsView(): HTMLElement {
  const list = h('ul', { class: 'tool-list' })
  const panel = h('div', { class: 'tool-detail' })
  let selected: string | undefined
  const select = (tool: Tool) => {
    selected = tool.name
    for (const item of list.children)
      item.classList.toggle('selected', item.getAttribute('data-tool') === tool.name)
    fill(panel, toolPanel(tool))
  }
  const render = () => {
    fill(
      list,
      ...state.tools.map((tool) =>
        h(
          'li',
          { 'data-tool': tool.name, onclick: () => select(tool) },
          h('span', { class: 'tool-name' }, tool.name),
          badges(tool),
        ),
      ),
    )
    const again = state.tools.find((t) => t.name === selected)
    if (again) select(again)
    else fill(panel, h('p', { class: 'empty' }, state.connection ? 'Choose a tool.' : 'Not connected.'))
  }
  subscribe((event) => {
    if (event.type === 'changed') render()
  })
  render()
  return h('section', { class: 'view', id: 'tools-view' }, list, panel)
}
