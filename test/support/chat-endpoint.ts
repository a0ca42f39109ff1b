/**
 * A local server speaking the OpenAI Chat Completions wire format, answering from a script:
 * what tests (and child processes they start) use as the model endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface ChatRequest {
  model: string
  messages: Array<Record<string, unknown>>
  tools?: Array<{
    type: string
    function: { name: string; description: string; parameters: Record<string, unknown> }
  }>
  parallel_tool_calls?: boolean
  stream?: boolean
  stream_options?: unknown
  temperature?: number
}

export function chatServer() {
  const requests: Array<{ body: ChatRequest; authorization: string | undefined }> = []
  let script: Array<(body: ChatRequest, res: ServerResponse) => void> = []
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      const body = JSON.parse(text) as ChatRequest
      requests.push({ body, authorization: req.headers.authorization })
      const next = script.shift()
      if (!next || req.url !== '/v1/chat/completions') {
        res.writeHead(500).end()
        return
      }
      next(body, res)
    })
  }
  return {
    requests,
    handler,
    set(steps: typeof script) {
      script = steps
      requests.length = 0
    },
  }
}

export const completion =
  (message: Record<string, unknown>, finish: string) => (_body: ChatRequest, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'test-model',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', refusal: null, ...message },
            finish_reason: finish,
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      }),
    )
  }

export const streamed =
  (chunks: Array<Record<string, unknown>>) => (_body: ChatRequest, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    for (const chunk of chunks) {
      res.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model: 'test-model', ...chunk })}\n\n`,
      )
    }
    res.end('data: [DONE]\n\n')
  }
