// The ToolServer of `bench/fleet.ts`, plain JavaScript on the built package, for
// `toolwire serve bench/fleet-tools.mjs [--workers N --redis-url …]`.
import { z } from 'zod'
import { ToolServer } from '../dist/server/index.js'

export default new ToolServer({ name: 'bench', version: '1.0.0' }).tool(
  'echo',
  { description: 'Echo text back', input: z.object({ text: z.string() }) },
  ({ text }) => text,
)
