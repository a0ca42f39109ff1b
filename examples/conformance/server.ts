/**
 * The server the MCP conformance suite's server scenarios expect, built only with toolwire's
 * public API: `npm run example:conformance -- --port 3010`.
 */
import { parseArgs } from 'node:util'
import { serve, ToolServer } from 'toolwire/server'
import { z } from 'zod'

const { values } = parseArgs({ options: { port: { type: 'string', default: '3010' } }, strict: false })

// A 1×1 red PNG and a minimal WAV, base64.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='
const WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA='
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const none = z.object({})

const address = z
  .object({ street: z.string().optional(), city: z.string().optional() })
  .meta({ id: 'address' })

const server = new ToolServer({ name: 'toolwire-conformance-server', version: '1.0.0' })
  .tool(
    'test_simple_text',
    { description: 'Tests simple text content response', input: none },
    () => 'This is a simple text response for testing.',
  )
  .tool('test_image_content', { description: 'Tests image content response', input: none }, () => [
    { type: 'image', data: PNG, mimeType: 'image/png' },
  ])
  .tool('test_audio_content', { description: 'Tests audio content response', input: none }, () => [
    { type: 'audio', data: WAV, mimeType: 'audio/wav' },
  ])
  .tool(
    'test_embedded_resource',
    { description: 'Tests embedded resource content response', input: none },
    () => [
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ],
  )
  .tool(
    'test_multiple_content_types',
    { description: 'Tests response with multiple content types (text, image, resource)', input: none },
    () => [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: {
          uri: 'test://mixed-content-resource',
          mimeType: 'application/json',
          text: JSON.stringify({ test: 'data', value: 123 }),
        },
      },
    ],
  )
  .tool(
    'test_tool_with_logging',
    { description: 'Tests tool that emits log messages during execution', input: none },
    async (_args, ctx) => {
      ctx.log('info', 'Tool execution started')
      await sleep(50)
      ctx.log('info', 'Tool processing data')
      await sleep(50)
      ctx.log('info', 'Tool execution completed')
      return 'Tool with logging executed successfully'
    },
  )
  .tool(
    'test_tool_with_progress',
    { description: 'Tests tool that reports progress notifications', input: none },
    async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        ctx.progress(step, { total: 100, message: `Completed step ${step} of 100` })
        if (step < 100) await sleep(50)
      }
      return 'Progress reported: 0, 50, 100 of 100'
    },
  )
  .tool('test_error_handling', { description: 'Tests error response handling', input: none }, () => {
    throw new Error('This tool intentionally returns an error for testing')
  })
  .tool(
    'test_reconnection',
    {
      description: 'Closes its SSE stream mid-call; the client reconnects (Last-Event-ID) for the result',
      input: none,
    },
    async (_args, ctx) => {
      ctx.closeStream()
      await sleep(100)
      return 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.'
    },
  )
  .tool(
    'test_sampling',
    {
      description: 'Tests server-initiated sampling (LLM completion request)',
      input: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }),
    },
    async ({ prompt }, ctx) => {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      })
      const content = Array.isArray(result.content) ? result.content[0] : result.content
      return `LLM response: ${content?.type === 'text' ? content.text : 'No response'}`
    },
  )
  .tool(
    'test_elicitation',
    {
      description: 'Tests server-initiated elicitation (user input request)',
      input: z.object({ message: z.string().describe('The message to show the user') }),
    },
    async ({ message }, ctx) => {
      const result = await ctx.elicit(message, {
        type: 'object',
        properties: { response: { type: 'string', description: "User's response" } },
        required: ['response'],
      })
      return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`
    },
  )
  .tool(
    'test_elicitation_sep1034_defaults',
    { description: 'Tests elicitation with default values per SEP-1034', input: none },
    async (_args, ctx) => {
      const result = await ctx.elicit('Please review and update the form fields with defaults', {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: {
            type: 'string',
            description: 'User status',
            enum: ['active', 'inactive', 'pending'],
            default: 'active',
          },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      })
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`
    },
  )
  .tool(
    'test_elicitation_sep1330_enums',
    { description: 'Tests elicitation with enum schema improvements per SEP-1330', input: none },
    async (_args, ctx) => {
      const result = await ctx.elicit('Please select options from the enum fields', {
        type: 'object',
        properties: {
          untitledSingle: {
            type: 'string',
            description: 'Select one option',
            enum: ['option1', 'option2', 'option3'],
          },
          titledSingle: {
            type: 'string',
            description: 'Select one option with titles',
            oneOf: [
              { const: 'value1', title: 'First Option' },
              { const: 'value2', title: 'Second Option' },
              { const: 'value3', title: 'Third Option' },
            ],
          },
          legacyEnum: {
            type: 'string',
            description: 'Select one option (legacy)',
            enum: ['opt1', 'opt2', 'opt3'],
            enumNames: ['Option One', 'Option Two', 'Option Three'],
          },
          untitledMulti: {
            type: 'array',
            description: 'Select multiple options',
            minItems: 1,
            maxItems: 3,
            items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          },
          titledMulti: {
            type: 'array',
            description: 'Select multiple options with titles',
            minItems: 1,
            maxItems: 3,
            items: {
              anyOf: [
                { const: 'value1', title: 'First Choice' },
                { const: 'value2', title: 'Second Choice' },
                { const: 'value3', title: 'Third Choice' },
              ],
            },
          },
        },
        required: [],
      })
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`
    },
  )
  .tool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)',
      input: z.strictObject({ name: z.string().optional(), address: address.optional() }),
    },
    (args) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
  )
  .resource(
    'test://static-text',
    {
      name: 'static-text',
      title: 'Static Text Resource',
      description: 'A static text resource for testing',
      mimeType: 'text/plain',
    },
    () => 'This is the content of the static text resource.',
  )
  .resource(
    'test://static-binary',
    {
      name: 'static-binary',
      title: 'Static Binary Resource',
      description: 'A static binary resource (image) for testing',
      mimeType: 'image/png',
    },
    () => Buffer.from(PNG, 'base64'),
  )
  .resourceTemplate(
    'test://template/{id}/data',
    {
      name: 'template',
      title: 'Resource Template',
      description: 'A resource template with parameter substitution',
      mimeType: 'application/json',
    },
    (_uri, { id }) => JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
  )
  .resource(
    'test://watched-resource',
    {
      name: 'watched-resource',
      title: 'Watched Resource',
      description: 'A resource that can be subscribed to',
      mimeType: 'text/plain',
    },
    () => 'Watched resource content',
  )
  .prompt(
    'test_simple_prompt',
    { title: 'Simple Test Prompt', description: 'A simple prompt without arguments' },
    () => 'This is a simple prompt for testing.',
  )
  .prompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt With Arguments',
      description: 'A prompt with required arguments',
      arguments: z.object({
        arg1: z.string().describe('First test argument'),
        arg2: z.string().describe('Second test argument'),
      }),
      complete: { arg1: (value) => ['paris', 'park', 'party'].filter((v) => v.startsWith(value)) },
    },
    ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  )
  .prompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt With Embedded Resource',
      description: 'A prompt that includes an embedded resource',
      arguments: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    },
    ({ resourceUri }) => [
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: {
            uri: resourceUri,
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
          },
        },
      },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  )
  .prompt(
    'test_prompt_with_image',
    { title: 'Prompt With Image', description: 'A prompt that includes image content' },
    () => [
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  )

const running = await serve(server, {
  port: Number(values.port),
  shutdownOnSignals: true,
  sseRetrySeconds: 0.5,
})
console.log(`MCP conformance server listening on ${running.url}`)
