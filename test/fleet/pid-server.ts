/** A ToolServer that says which process answered (for `toolwire serve --workers`). */
import { z } from 'zod'
import { ToolServer } from '../../src/server/index.js'

export default new ToolServer({ name: 'pid-server', version: '1.0.0' }).tool(
  'pid',
  { input: z.object({}), annotations: { readOnlyHint: true } },
  () => String(process.pid),
)
