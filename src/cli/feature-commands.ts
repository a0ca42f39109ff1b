/** The client commands for what a server offers besides tools: resources, read, prompts, prompt. */
import { printable } from '../protocol/printable.js'
import type { Prompt, PromptMessage } from '../protocol/types.js'
import { EXIT } from './cli-errors.js'
import { type ClientFlags, clientFor } from './client-flags.js'
import { table, UsageError } from './output.js'

const print = (text: string) => process.stdout.write(`${text}\n`)
/** Server-supplied text for a terminal: control and bidi characters shown as escapes. */
const shown = (text: string | undefined) => printable(text ?? '', { maxChars: 500, oneLine: true })
/** Content as sent when piped, made safe when it reaches a terminal. */
const output = (text: string) =>
  process.stdout.isTTY ? printable(text, { maxChars: Number.MAX_SAFE_INTEGER }) : text

export async function resourcesCommand(url: string, flags: ClientFlags): Promise<number> {
  await using client = await (await clientFor(url, flags)).connect()
  if (!client.server?.capabilities.resources) {
    process.stderr.write(`error: ${client.name} offers no resources\n`)
    return EXIT.failure
  }
  const [resources, resourceTemplates] = await Promise.all([
    client.listResources(),
    client.listResourceTemplates(),
  ])
  if (flags.json) {
    print(JSON.stringify({ resources, resourceTemplates }, null, 2))
    return EXIT.ok
  }
  print(`${resources.length} resources, ${resourceTemplates.length} templates\n`)
  const rows = [
    ...resources.map((r) => [shown(r.uri), shown(r.mimeType), shown(r.title ?? r.description ?? r.name)]),
    ...resourceTemplates.map((t) => [
      shown(t.uriTemplate),
      shown(t.mimeType),
      shown(t.title ?? t.description ?? t.name),
    ]),
  ]
  print(table(['uri', 'type', 'description'], rows))
  return EXIT.ok
}

export async function readCommand(url: string, uri: string, flags: ClientFlags): Promise<number> {
  await using client = await (await clientFor(url, flags)).connect()
  const result = await client.readResource(uri)
  if (flags.json) {
    print(JSON.stringify(result, null, 2))
    return EXIT.ok
  }
  for (const content of result.contents) {
    if ('text' in content && typeof content.text === 'string') {
      print(output(content.text))
      continue
    }
    const bytes = Buffer.from(String((content as { blob?: unknown }).blob ?? ''), 'base64')
    // Binary on a terminal would garble it: say what it is; piped, it is written as is.
    if (process.stdout.isTTY) {
      process.stderr.write(
        `${shown(content.uri)}: ${bytes.length} bytes of ${shown(content.mimeType ?? 'binary data')} (redirect stdout to save it, or --json)\n`,
      )
    } else process.stdout.write(bytes)
  }
  return EXIT.ok
}

/** `name: why` for each argument; `?` marks optional ones. */
function describePromptArguments(prompt: Prompt): string {
  return (prompt.arguments ?? []).map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ')
}

export async function promptsCommand(url: string, flags: ClientFlags): Promise<number> {
  await using client = await (await clientFor(url, flags)).connect()
  if (!client.server?.capabilities.prompts) {
    process.stderr.write(`error: ${client.name} offers no prompts\n`)
    return EXIT.failure
  }
  const prompts = await client.listPrompts()
  if (flags.json) {
    print(JSON.stringify(prompts, null, 2))
    return EXIT.ok
  }
  print(`${prompts.length} prompts\n`)
  print(
    table(
      ['prompt', 'arguments', 'description'],
      prompts.map((p) => [shown(p.name), shown(describePromptArguments(p)), shown(p.title ?? p.description)]),
    ),
  )
  return EXIT.ok
}

/** `--arg key=value` pairs (prompt arguments are strings). */
export function promptArguments(pairs: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--arg looks like key=value, got "${pair}"`)
    args[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return args
}

function messageText(message: PromptMessage): string {
  const content = message.content
  if (content.type === 'text') return content.text
  if (content.type === 'resource') {
    const resource = content.resource
    return 'text' in resource ? String(resource.text) : `[resource ${resource.uri}]`
  }
  if (content.type === 'resource_link') return `[link ${content.uri}]`
  return `[${content.type}, ${content.mimeType}]`
}

export async function promptCommand(
  url: string,
  name: string,
  flags: ClientFlags & { arg: string[] },
): Promise<number> {
  const args = promptArguments(flags.arg)
  await using client = await (await clientFor(url, flags)).connect()
  const result = await client.getPrompt(name, args)
  if (flags.json) {
    print(JSON.stringify(result, null, 2))
    return EXIT.ok
  }
  for (const message of result.messages) print(`${message.role}: ${output(messageText(message))}`)
  return EXIT.ok
}
