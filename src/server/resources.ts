/**
 * Resources a server offers: fixed URIs and URI templates (`{var}` and `{+var}` of RFC 6570),
 * read on demand; subscriptions and `resources/updated` are wired by the ToolServer.
 */
import { ToolwireConfigError } from '../protocol/errors.js'
import { ErrorCode, RpcError } from '../protocol/jsonrpc.js'
import type {
  BlobResourceContents,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  TextResourceContents,
} from '../protocol/types.js'
import type { Completers } from './completions.js'
import type { ToolContext } from './tool-context.js'

export type ResourceContents = TextResourceContents | BlobResourceContents

/** What a resource reader may return: text, bytes, one or more contents, or a full result. */
export type ResourceReturn = string | Uint8Array | ResourceContents | ResourceContents[] | ReadResourceResult

export interface ResourceDefinition {
  /** Short name; defaults to the URI. */
  name?: string
  title?: string
  description?: string
  mimeType?: string
  /** Size in bytes, when known. */
  size?: number
}

export interface ResourceTemplateDefinition extends ResourceDefinition {
  /** Suggestions for template variables (`completion/complete` with `ref/resource`). */
  complete?: Completers
}

export type ResourceReader = (uri: string, ctx: ToolContext) => Promise<ResourceReturn> | ResourceReturn
export type TemplateReader = (
  uri: string,
  variables: Record<string, string>,
  ctx: ToolContext,
) => Promise<ResourceReturn> | ResourceReturn

interface FixedResource {
  listing: Resource
  read: ResourceReader
}

interface TemplateResource {
  listing: ResourceTemplate
  pattern: RegExp
  names: string[]
  read: TemplateReader
  complete: Completers | undefined
}

/** Spec: an unknown resource is JSON-RPC -32002. */
export const RESOURCE_NOT_FOUND = ErrorCode.ResourceNotFound

export class ResourceRegistry {
  readonly #fixed = new Map<string, FixedResource>()
  readonly #templates = new Map<string, TemplateResource>()

  get size(): number {
    return this.#fixed.size + this.#templates.size
  }

  add(uri: string, definition: ResourceDefinition, read: ResourceReader): void {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri)) {
      throw new ToolwireConfigError(`ToolServer.resource: "${uri}" is not a URI (scheme:...)`)
    }
    if (this.#fixed.has(uri)) throw new ToolwireConfigError(`ToolServer.resource: "${uri}" already exists`)
    this.#fixed.set(uri, { listing: { uri, ...describe(uri, definition) }, read })
  }

  addTemplate(uriTemplate: string, definition: ResourceTemplateDefinition, read: TemplateReader): void {
    if (this.#templates.has(uriTemplate))
      throw new ToolwireConfigError(`ToolServer.resourceTemplate: "${uriTemplate}" already exists`)
    const { pattern, names } = compileTemplate(uriTemplate)
    const { complete, ...rest } = definition
    this.#templates.set(uriTemplate, {
      listing: { uriTemplate, ...describe(uriTemplate, rest) },
      pattern,
      names,
      read,
      complete,
    })
  }

  list(): Resource[] {
    return [...this.#fixed.values()].map((r) => r.listing)
  }

  listTemplates(): ResourceTemplate[] {
    return [...this.#templates.values()].map((t) => t.listing)
  }

  /** Whether `uri` names a resource this server can read (for subscriptions). */
  has(uri: string): boolean {
    return this.#fixed.has(uri) || this.#match(uri) !== undefined
  }

  completers(uriTemplate: string): Completers | undefined {
    const template = this.#templates.get(uriTemplate)
    if (!template) throw new RpcError(ErrorCode.InvalidParams, `Unknown resource template: ${uriTemplate}`)
    return template.complete
  }

  async read(uri: string, ctx: ToolContext): Promise<ReadResourceResult> {
    const fixed = this.#fixed.get(uri)
    if (fixed) return toReadResult(await fixed.read(uri, ctx), uri, fixed.listing.mimeType)
    const matched = this.#match(uri)
    if (!matched) {
      throw new RpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri })
    }
    const [template, variables] = matched
    return toReadResult(await template.read(uri, variables, ctx), uri, template.listing.mimeType)
  }

  #match(uri: string): [TemplateResource, Record<string, string>] | undefined {
    for (const template of this.#templates.values()) {
      const found = template.pattern.exec(uri)
      if (!found) continue
      const variables: Record<string, string> = {}
      template.names.forEach((name, i) => {
        variables[name] = decodeURIComponent(found[i + 1]!)
      })
      return [template, variables]
    }
    return undefined
  }
}

function describe(fallbackName: string, definition: ResourceDefinition) {
  return {
    name: definition.name ?? fallbackName,
    ...(definition.title ? { title: definition.title } : {}),
    ...(definition.description ? { description: definition.description } : {}),
    ...(definition.mimeType ? { mimeType: definition.mimeType } : {}),
    ...(definition.size !== undefined ? { size: definition.size } : {}),
  }
}

/** RFC 6570 level 1 (`{id}`: one path segment) and reserved expansion (`{+path}`: anything). */
function compileTemplate(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = []
  let source = ''
  let last = 0
  for (const match of template.matchAll(/\{(\+?)([A-Za-z0-9_]+)\}/g)) {
    source += escapeRegExp(template.slice(last, match.index))
    names.push(match[2]!)
    source += match[1] ? '(.+)' : '([^/?#]+)'
    last = match.index + match[0].length
  }
  if (names.length === 0) {
    throw new ToolwireConfigError(
      `ToolServer.resourceTemplate: "${template}" has no {variable}; use server.resource() for a fixed URI`,
    )
  }
  source += escapeRegExp(template.slice(last))
  return { pattern: new RegExp(`^${source}$`), names }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function toReadResult(value: ResourceReturn, uri: string, mimeType: string | undefined): ReadResourceResult {
  const base = mimeType ? { uri, mimeType } : { uri }
  if (typeof value === 'string') return { contents: [{ ...base, text: value }] }
  if (value instanceof Uint8Array) {
    return { contents: [{ ...base, blob: Buffer.from(value).toString('base64') }] }
  }
  if (Array.isArray(value)) return { contents: value }
  if ('contents' in value && Array.isArray(value.contents)) return { ...value }
  return { contents: [value as ResourceContents] }
}
