/** docs/server.md "Schemas": the same tool with each kind of schema toolwire accepts. */
import { toJsonSchema } from '@valibot/to-json-schema'
import { ToolServer } from 'toolwire/server'
import * as v from 'valibot'
import { z } from 'zod'

export const server = new ToolServer({ name: 'weather', version: '1.0.0' })

// #region zod
// zod 4 (on zod 3.25: import { z } from 'zod/v4')
server.tool(
  'forecast',
  { input: z.object({ city: z.string().describe('City name'), days: z.number().int().default(1) }) },
  ({ city, days }) => `${city}: sunny for ${days} day(s)`,
)
// #endregion zod

// #region valibot
// Any Standard Schema validates; valibot needs its JSON Schema passed as inputSchema.
const input = v.object({ city: v.pipe(v.string(), v.minLength(2)), days: v.optional(v.number(), 1) })
server.tool('forecast_v', { input, inputSchema: toJsonSchema(input) }, ({ city, days }) => `${city}: ${days}`)
// #endregion valibot

// #region json-schema
// No schema library: a JSON Schema object, validated by toolwire; arguments are Record<string, unknown>.
server.tool(
  'forecast_json',
  {
    input: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' }, days: { type: 'integer' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
  (args) => `${String(args.city)}: sunny`,
)
// #endregion json-schema
