/** A small load run: N calls of one tool, C in flight; the latency histogram and the errors. */
import { type ApiError, api } from './api.js'
import { fill, h } from './dom.js'
import { state, subscribe } from './state.js'

interface Report {
  calls: number
  concurrency: number
  ok: number
  errors: number
  errorMessages: Array<{ message: string; count: number }>
  durationMs: number
  callsPerSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  histogram: Array<{ le: number | null; count: number }>
}

/** The buckets from the fastest to the slowest call, one empty bucket either side. */
function buckets(histogram: Report['histogram']): HTMLElement[] {
  const most = Math.max(1, ...histogram.map((b) => b.count))
  const used = histogram.flatMap((b, i) => (b.count > 0 ? [i] : []))
  const first = Math.max(0, (used[0] ?? 0) - 1)
  const last = Math.min(histogram.length - 1, (used.at(-1) ?? 0) + 1)
  return histogram.slice(first, last + 1).map((b, k) => {
    const i = first + k
    const lower = i === 0 ? 0 : histogram[i - 1]!.le
    const bar = h('span', { class: 'bar' })
    // Set through the CSSOM: the page's CSP refuses style attributes.
    bar.style.width = `${(b.count / most) * 100}%`
    return h(
      'div',
      { class: 'bucket' },
      h('span', { class: 'bucket-label' }, b.le === null ? `> ${lower} ms` : `≤ ${b.le} ms`),
      h('span', { class: 'bar-track' }, bar),
      h('span', { class: 'bucket-count' }, String(b.count)),
    )
  })
}

function reportView(report: Report): HTMLElement {
  return h(
    'div',
    { class: 'load-report', 'data-testid': 'load-report' },
    h(
      'p',
      { class: 'stats' },
      `${report.calls} calls (${report.concurrency} in flight) in ${report.durationMs} ms: ${report.callsPerSecond}/s · p50 ${report.latencyMs.p50} ms · p90 ${report.latencyMs.p90} ms · p99 ${report.latencyMs.p99} ms · max ${report.latencyMs.max} ms · `,
      h(
        'strong',
        { class: report.errors > 0 ? 'error-count bad' : 'error-count', 'data-testid': 'error-count' },
        `${report.errors} errors`,
      ),
    ),
    h('div', { class: 'histogram' }, ...buckets(report.histogram)),
    report.errorMessages.length === 0
      ? ''
      : h(
          'ul',
          { class: 'problems' },
          ...report.errorMessages.map((e) => h('li', {}, `${e.count}× ${e.message}`)),
        ),
  )
}

export function loadView(): HTMLElement {
  const tool = h('select', { name: 'load-tool' })
  const args = h('textarea', { name: 'load-arguments', rows: 4, value: '{}' })
  const calls = h('input', { type: 'number', name: 'calls', min: 1, max: 2000, value: '100' })
  const concurrency = h('input', { type: 'number', name: 'concurrency', min: 1, max: 64, value: '8' })
  const run = h('button', { type: 'submit', class: 'primary' }, 'Run')
  const status = h('p', { class: 'load-status' })
  const output = h('div')
  subscribe((event) => {
    if (event.type === 'changed')
      fill(tool, ...state.tools.map((t) => h('option', { value: t.name }, t.name)))
    if (event.type === 'load-progress')
      status.textContent = `${String(event.done)} / ${String(event.calls)} calls, ${String(event.errors)} errors`
  })
  const start = async (event: Event) => {
    event.preventDefault()
    let parsed: unknown
    try {
      parsed = JSON.parse(args.value || '{}')
    } catch (error) {
      status.textContent = `arguments: ${(error as Error).message}`
      return
    }
    run.disabled = true
    fill(output)
    try {
      const { report } = await api<{ report: Report }>('/api/load', {
        tool: tool.value,
        arguments: parsed,
        calls: Number(calls.value),
        concurrency: Number(concurrency.value),
      })
      fill(output, reportView(report))
    } catch (error) {
      status.textContent = (error as ApiError).message
    } finally {
      run.disabled = false
    }
  }
  return h(
    'section',
    { class: 'view', id: 'load-view' },
    h(
      'form',
      { class: 'load-form', onsubmit: (e: Event) => void start(e) },
      h('label', { class: 'field' }, h('span', { class: 'field-name' }, 'tool'), tool),
      h('label', { class: 'field' }, h('span', { class: 'field-name' }, 'arguments (JSON)'), args),
      h('label', { class: 'field inline' }, h('span', { class: 'field-name' }, 'calls (≤ 2000)'), calls),
      h(
        'label',
        { class: 'field inline' },
        h('span', { class: 'field-name' }, 'in flight (≤ 64)'),
        concurrency,
      ),
      h('div', { class: 'actions' }, run),
    ),
    status,
    output,
  )
}
