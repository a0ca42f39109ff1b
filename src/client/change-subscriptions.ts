/**
 * What a client hears about changes on its server: list changes (`listChanged`) and updates of
 * the resources it subscribed to (`resourceUpdated`). 2025 era: `resources/subscribe` and the
 * session's notification stream. 2026-07-28: one `subscriptions/listen` stream, (re)opened with
 * what the client needs now (tool-list changes for `cacheToolsList`, the subscribed URIs; every
 * list change the server declares rides along), and none when nothing needs one.
 */
import { type ErrorSite, McpProtocolError } from '../protocol/errors.js'
import { isObject, type JsonRpcNotification } from '../protocol/jsonrpc.js'
import type { CallSignal } from '../transport/client/call-signal.js'
import type { ClientSession } from '../transport/client/client-session.js'
import { listenForChanges } from './change-listener.js'
import type { RunRequest } from './tool-listing.js'

export type ChangedList = 'tools' | 'resources' | 'prompts'

const LIST_CHANGED: Record<string, ChangedList> = {
  'notifications/tools/list_changed': 'tools',
  'notifications/resources/list_changed': 'resources',
  'notifications/prompts/list_changed': 'prompts',
}

export interface ChangeSubscriptionsOptions {
  session: ClientSession
  site: ErrorSite
  /** The client keeps a tool-list cache that tool-list changes must reach. */
  cacheToolsList: boolean
  token: (() => Promise<string | undefined>) | undefined
  backoff: { retryBackoffSecondsBase: number; retryBackoffSecondsMax: number }
  /** A request through the client's policies (2025-era `resources/(un)subscribe`). */
  run: RunRequest
  onListChanged: (list: ChangedList) => void
  onResourceUpdated: (uri: string) => void
  /** The listen stream was re-opened: changes may have been missed. */
  onReconnect: () => void
}

export class ChangeSubscriptions {
  readonly #o: ChangeSubscriptionsOptions
  readonly #uris = new Set<string>()
  #listening: CallSignal | undefined
  #stopped = false

  constructor(options: ChangeSubscriptionsOptions) {
    this.#o = options
  }

  /** A notification from any stream of the client. */
  notified(notification: JsonRpcNotification): void {
    const list = LIST_CHANGED[notification.method]
    if (list) this.#o.onListChanged(list)
    const uri = isObject(notification.params) ? notification.params.uri : undefined
    if (notification.method === 'notifications/resources/updated' && typeof uri === 'string')
      this.#o.onResourceUpdated(uri)
  }

  /** After connecting: opens the listen stream when the client needs one (2026-07-28). */
  start(): void {
    if (!this.#listening) this.#listen()
  }

  async subscribe(uri: string, signal: AbortSignal | undefined): Promise<void> {
    const { session } = this.#o
    if (session.era === 'legacy') {
      if (!session.server?.capabilities.resources?.subscribe) {
        throw new McpProtocolError(
          'the server does not offer resource subscriptions (capability resources.subscribe)',
          this.#o.site,
        )
      }
      await this.#o.run('resources/subscribe', { uri }, { signal, idempotent: true })
    }
    this.#uris.add(uri)
    if (session.era === 'modern') this.#listen()
  }

  async unsubscribe(uri: string, signal: AbortSignal | undefined): Promise<void> {
    if (!this.#uris.delete(uri)) return
    if (this.#o.session.era === 'legacy')
      await this.#o.run('resources/unsubscribe', { uri }, { signal, idempotent: true })
    else this.#listen()
  }

  stop(): void {
    this.#stopped = true
    this.#listening?.abort(new Error('the client was closed'))
    this.#listening = undefined
  }

  #listen(): void {
    this.#listening?.abort(new Error('the subscriptions changed'))
    this.#listening = undefined
    const { session } = this.#o
    const capabilities = session.server?.capabilities
    if (this.#stopped || session.era !== 'modern' || !capabilities) return
    const uris = [...this.#uris]
    const tools = this.#o.cacheToolsList && capabilities.tools?.listChanged === true
    if (!tools && uris.length === 0) return
    this.#listening = listenForChanges(session, {
      filter: {
        ...(capabilities.tools?.listChanged ? { toolsListChanged: true } : {}),
        ...(capabilities.resources?.listChanged ? { resourcesListChanged: true } : {}),
        ...(capabilities.prompts?.listChanged ? { promptsListChanged: true } : {}),
        ...(uris.length > 0 ? { resourceSubscriptions: uris } : {}),
      },
      token: this.#o.token,
      backoff: this.#o.backoff,
      onNotification: (notification) => this.notified(notification),
      onReconnect: this.#o.onReconnect,
    })
  }
}
