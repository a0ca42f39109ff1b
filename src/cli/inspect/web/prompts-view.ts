/** Prompts: listed; one filled in with its arguments and got, its messages shown. */
import { type ApiError, api } from './api.js'
import { fill, h } from './dom.js'
import { block } from './result-view.js'
import { state, subscribe } from './state.js'

interface Prompt {
  name: string
  title?: string
  description?: string
  arguments?: Array<{ name: string; description?: string; required?: boolean }>
}

interface Message {
  role: string
  content: { type: string; [key: string]: unknown } | Array<{ type: string; [key: string]: unknown }>
}

function promptPanel(prompt: Prompt): HTMLElement {
  const inputs = (prompt.arguments ?? []).map((a) => ({
    argument: a,
    input: h('textarea', { name: a.name, rows: 1 }),
  }))
  const output = h('div', { class: 'output' })
  const get = async (event: Event) => {
    event.preventDefault()
    const args: Record<string, string> = {}
    for (const { argument, input } of inputs)
      if (input.value !== '' || argument.required) args[argument.name] = input.value
    try {
      const { result } = await api<{ result: { description?: string; messages: Message[] } }>(
        '/api/prompts/get',
        {
          name: prompt.name,
          arguments: args,
        },
      )
      fill(
        output,
        ...result.messages.map((m) =>
          h(
            'div',
            { class: `message role-${m.role}` },
            h('strong', {}, m.role),
            ...(Array.isArray(m.content) ? m.content : [m.content]).map(block),
          ),
        ),
      )
    } catch (error) {
      fill(output, h('p', { class: 'error' }, (error as ApiError).message))
    }
  }
  return h(
    'div',
    { class: 'tool-panel' },
    h('h2', {}, prompt.title ?? prompt.name),
    prompt.description ? h('p', { class: 'description' }, prompt.description) : '',
    h(
      'form',
      { onsubmit: (e: Event) => void get(e) },
      ...inputs.map(({ argument, input }) =>
        h(
          'label',
          { class: 'field', 'data-field': argument.name },
          h(
            'span',
            { class: 'field-name' },
            argument.name,
            argument.required ? h('span', { class: 'required' }, ' *') : '',
          ),
          argument.description ? h('span', { class: 'hint' }, argument.description) : '',
          input,
        ),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Get')),
    ),
    output,
  )
}

export function promptsView(): HTMLElement {
  const list = h('ul', { class: 'tool-list' })
  const panel = h('div', { class: 'tool-detail' })
  const render = async () => {
    fill(panel)
    if (!state.connection?.capabilities?.prompts) {
      fill(
        list,
        h('li', { class: 'empty' }, state.connection ? 'The server offers no prompts.' : 'Not connected.'),
      )
      return
    }
    try {
      const { prompts } = await api<{ prompts: Prompt[] }>('/api/prompts')
      fill(
        list,
        ...prompts.map((p) =>
          h(
            'li',
            { 'data-prompt': p.name, onclick: () => fill(panel, promptPanel(p)) },
            h('span', { class: 'tool-name' }, p.title ?? p.name),
          ),
        ),
      )
    } catch (error) {
      fill(list, h('li', { class: 'error' }, (error as ApiError).message))
    }
  }
  subscribe((event) => {
    if (event.type === 'changed') void render()
  })
  return h('section', { class: 'view split', id: 'prompts-view' }, list, panel)
}
