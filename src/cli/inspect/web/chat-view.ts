/** Chat with an agent over the connected server (when the inspector has a model); tool calls shown inline. */
import { type ApiError, api } from './api.js'
import { fill, h } from './dom.js'
import { subscribe } from './state.js'

export function chatView(available: boolean): HTMLElement {
  if (!available) {
    return h(
      'section',
      { class: 'view', id: 'chat-view' },
      h(
        'p',
        { class: 'empty' },
        'No model: start toolwire inspect with TOOLWIRE_MODEL (and OPENAI_API_KEY) set to chat with an agent over this server.',
      ),
    )
  }
  const transcript = h('div', { class: 'transcript', 'data-testid': 'transcript' })
  const message = h('textarea', {
    name: 'chat-message',
    rows: 2,
    placeholder: 'Ask something the server’s tools can answer',
  })
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send')
  const stop = h(
    'button',
    { type: 'button', disabled: true, onclick: () => void api('/api/chat/cancel', {}) },
    'Stop',
  )
  let answer: HTMLElement | undefined
  const bubble = (role: string, text: string) => {
    const element = h(
      'div',
      { class: `message role-${role}` },
      h('strong', {}, role),
      h('div', { class: 'text' }, text),
    )
    transcript.appendChild(element)
    element.scrollIntoView({ block: 'end' })
    return element.querySelector('.text') as HTMLElement
  }
  subscribe((event) => {
    if (event.type === 'chat-delta') {
      answer ??= bubble('assistant', '')
      answer.textContent += String(event.delta)
    } else if (event.type === 'chat-tool') {
      answer = undefined
      transcript.appendChild(
        h(
          'div',
          { class: 'chat-tool', 'data-testid': 'chat-tool' },
          '→ ',
          h('code', {}, `${String(event.tool)}(${String(event.arguments)})`),
        ),
      )
    } else if (event.type === 'chat-done') {
      if (!answer) bubble('assistant', String(event.answer))
      answer = undefined
      transcript.appendChild(
        h(
          'p',
          { class: 'trace' },
          'trace ',
          h('code', { 'data-testid': 'chat-trace-id' }, String(event.traceId)),
        ),
      )
    } else if (event.type === 'chat-tool-output') {
      answer = undefined
      const output = String(event.output)
      transcript.appendChild(
        h(
          'pre',
          { class: event.isError ? 'chat-tool-output error' : 'chat-tool-output' },
          output.length > 600 ? `${output.slice(0, 600)}…` : output,
        ),
      )
    }
  })
  const send = async (event: Event) => {
    event.preventDefault()
    const text = message.value.trim()
    if (!text) return
    bubble('user', text)
    message.value = ''
    answer = undefined
    sendButton.disabled = true
    stop.disabled = false
    try {
      // The answer and its trace id arrive as events, in order with the tool calls.
      await api('/api/chat', { message: text })
    } catch (error) {
      transcript.appendChild(h('p', { class: 'error' }, (error as ApiError).message))
    } finally {
      sendButton.disabled = false
      stop.disabled = true
    }
  }
  const reset = () => void api('/api/chat/reset', {}).then(() => fill(transcript))
  return h(
    'section',
    { class: 'view', id: 'chat-view' },
    transcript,
    h(
      'form',
      { class: 'chat-form', onsubmit: (e: Event) => void send(e) },
      message,
      h(
        'div',
        { class: 'actions' },
        sendButton,
        stop,
        h('button', { type: 'button', onclick: reset }, 'New chat'),
      ),
    ),
  )
}
