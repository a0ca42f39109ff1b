/** What the page knows: the connection, the tools, the history; views subscribe to changes. */
import type { PageEvent } from './api.js'

export interface Connection {
  url: string
  protocolVersion?: string
  era?: 'modern' | 'legacy'
  serverInfo?: { name?: string; version?: string; title?: string }
  capabilities?: Record<string, unknown>
  instructions?: string
}

export interface Tool {
  name: string
  title?: string
  description?: string
  inputSchema: Record<string, unknown>
  outputSchema?: Record<string, unknown>
  annotations?: Record<string, unknown>
}

export interface HistoryEntry {
  id: number
  method: string
  target: string
  status: string
  startedAt: string
  durationMs?: number
  traceId?: string
  request: unknown
  response?: unknown
  command?: string
}

export const state = {
  connection: null as Connection | null,
  tools: [] as Tool[],
  history: new Map<number, HistoryEntry>(),
}

type Listener = (event: PageEvent) => void
const listeners = new Set<Listener>()

/** Receives every server event and the page's own `changed` events. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function publish(event: PageEvent): void {
  if (event.type === 'history') {
    const entry = event.entry as HistoryEntry
    state.history.set(entry.id, entry)
  }
  for (const listener of listeners) listener(event)
}
