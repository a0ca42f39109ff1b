/** Requests the server makes mid-call: an elicitation form or a sampling request, answered here. */
import { api } from './api.js'
import { fill, h, jsonBlock } from './dom.js'
import { type JsonSchema, schemaForm } from './schema-form.js'
import { subscribe } from './state.js'

function elicitation(
  request: { id: string; message: string; schema: JsonSchema },
  done: () => void,
): HTMLElement {
  const { id, message, schema } = request
  const form = schemaForm(schema)
  const problems = h('ul', { class: 'problems' })
  const answer = (action: 'accept' | 'decline' | 'cancel') => {
    let content: unknown
    if (action === 'accept') {
      const reading = form.read()
      if (reading.problems.length > 0) return fill(problems, ...reading.problems.map((p) => h('li', {}, p)))
      content = reading.value
    }
    void api(`/api/inputs/${id}`, { action, ...(content === undefined ? {} : { content }) }).finally(done)
  }
  return h(
    'form',
    {
      class: 'input-request',
      'data-testid': 'elicitation',
      onsubmit: (e: Event) => {
        e.preventDefault()
        answer('accept')
      },
    },
    h('h2', {}, 'The server asks'),
    h('p', { class: 'message' }, message),
    form.element,
    problems,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Accept'),
      h('button', { type: 'button', onclick: () => answer('decline') }, 'Decline'),
      h('button', { type: 'button', onclick: () => answer('cancel') }, 'Cancel'),
    ),
  )
}

function sampling(id: string, params: Record<string, unknown>, done: () => void): HTMLElement {
  const text = h('textarea', {
    rows: 5,
    name: 'sampling-answer',
    placeholder: 'the answer the model would give',
  })
  const send = (body: Record<string, unknown>) => void api(`/api/inputs/${id}`, body).finally(done)
  return h(
    'form',
    {
      class: 'input-request',
      'data-testid': 'sampling',
      onsubmit: (e: Event) => {
        e.preventDefault()
        send({ text: text.value })
      },
    },
    h('h2', {}, 'The server asks for a model completion'),
    jsonBlock(params.messages ?? params),
    typeof params.systemPrompt === 'string' ? h('p', {}, 'system prompt: ', params.systemPrompt) : '',
    text,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Send answer'),
      h('button', { type: 'button', onclick: () => send({}) }, 'Decline'),
    ),
  )
}

export function inputDialog(): HTMLDialogElement {
  const dialog = h('dialog', { class: 'input-dialog' })
  const queue = new Map<string, HTMLElement>()
  const showNext = () => {
    const next = queue.values().next()
    if (next.done) {
      if (dialog.open) dialog.close()
      return
    }
    fill(dialog, next.value)
    if (!dialog.open) dialog.showModal()
  }
  subscribe((event) => {
    const id = String(event.id)
    if (event.type === 'input') {
      const done = () => {
        queue.delete(id)
        showNext()
      }
      queue.set(
        id,
        event.kind === 'elicitation'
          ? elicitation(
              { id, message: String(event.message ?? ''), schema: (event.schema ?? {}) as JsonSchema },
              done,
            )
          : sampling(id, (event.params ?? {}) as Record<string, unknown>, done),
      )
      showNext()
    } else if (event.type === 'input-settled' && queue.has(id)) {
      queue.delete(id)
      showNext()
    }
  })
  // Escape closes a modal dialog: the request stays answerable, so show it again.
  dialog.addEventListener('cancel', (e) => e.preventDefault())
  return dialog
}
