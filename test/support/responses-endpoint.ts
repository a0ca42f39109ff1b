/**
 * A local server speaking the OpenAI Responses API wire format (`POST /v1/responses`, a JSON
 * response or an SSE stream of typed events), answering from a script.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface ResponsesRequest {
  model: string
  instructions?: string
  input: Array<Record<string, unknown>>
  tools?: Array<Record<string, unknown>>
  stream?: boolean
  store?: boolean
  include?: string[]
  reasoning?: Record<string, unknown>
  [key: string]: unknown
}

type Step = (body: ResponsesRequest, res: ServerResponse) => void

export function responsesServer() {
  const requests: Array<{ body: ResponsesRequest; authorization: string | undefined }> = []
  let script: Step[] = []
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      const body = JSON.parse(text) as ResponsesRequest
      requests.push({ body, authorization: req.headers.authorization })
      const next = script.shift()
      if (!next || req.url !== '/v1/responses') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"no script"}}')
        return
      }
      next(body, res)
    })
  }
  return {
    requests,
    handler,
    set(steps: Step[]) {
      script = steps
      requests.length = 0
    },
  }
}

/** Output items, in the Responses API's shapes. */
export const reasoning = (id: string, summary: string[], encrypted?: string) => ({
  type: 'reasoning',
  id,
  summary: summary.map((text) => ({ type: 'summary_text', text })),
  ...(encrypted ? { encrypted_content: encrypted } : {}),
})
export const message = (text: string) => ({
  type: 'message',
  id: `msg_${text.length}`,
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
})
export const functionCall = (callId: string, name: string, args: Record<string, unknown>) => ({
  type: 'function_call',
  id: `fc_${callId}`,
  call_id: callId,
  name,
  arguments: JSON.stringify(args),
  status: 'completed',
})

const USAGE = {
  input_tokens: 30,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 8 },
  total_tokens: 42,
}

function responseObject(output: Array<Record<string, unknown>>, status = 'completed') {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status,
    model: 'test-model',
    output,
    usage: USAGE,
    error: null,
    incomplete_details: null,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
  }
}

/** A non-streamed answer. */
export const respond =
  (output: Array<Record<string, unknown>>): Step =>
  (_body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(responseObject(output)))
  }

/** A streamed answer: created, per-item events (text in `deltas` pieces), completed. */
export const stream =
  (output: Array<Record<string, unknown>>, options: { deltas?: string[]; fail?: string } = {}): Step =>
  (_body, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    let sequence = 0
    const send = (event: Record<string, unknown>) =>
      res.write(
        `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`,
      )
    send({ type: 'response.created', response: responseObject([], 'in_progress') })
    output.forEach((item, index) => {
      send({ type: 'response.output_item.added', output_index: index, item })
      if (item.type === 'message') {
        for (const delta of options.deltas ?? [(item.content as Array<{ text: string }>)[0]!.text]) {
          send({
            type: 'response.output_text.delta',
            item_id: item.id,
            output_index: index,
            content_index: 0,
            delta,
            logprobs: [],
          })
        }
      }
      send({ type: 'response.output_item.done', output_index: index, item })
    })
    if (options.fail) {
      send({
        type: 'response.failed',
        response: {
          ...responseObject(output, 'failed'),
          error: { code: 'server_error', message: options.fail },
        },
      })
    } else send({ type: 'response.completed', response: responseObject(output) })
    res.end()
  }

/** Hosted MCP output items. */
export const mcpListTools = (label: string) => ({
  type: 'mcp_list_tools',
  id: `mcpl_${label}`,
  server_label: label,
  tools: [{ name: 'search_deals', input_schema: { type: 'object' } }],
})
export const mcpApprovalRequest = (
  id: string,
  label: string,
  name: string,
  args: Record<string, unknown>,
) => ({
  type: 'mcp_approval_request',
  id,
  server_label: label,
  name,
  arguments: JSON.stringify(args),
})
export const mcpCall = (id: string, label: string, name: string, output: string) => ({
  type: 'mcp_call',
  id,
  server_label: label,
  name,
  arguments: '{}',
  output,
  error: null,
})
