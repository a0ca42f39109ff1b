// The ToolServer of `bench/fleet.ts`, plain JavaScript on the built package, for
// `toolwire serve bench/fleet-tools.mjs [--workers N --redis-url …]`.
import { z } from 'zod'
import { ToolServer } from '../dist/server/index.js'

export default new ToolServer({ name: 'bench', version: '1.0.0' })
  .tool('echo', { description: 'Echo text back', input: z.object({ text: z.string() }) }, ({ text }) => text)
  .tool(
    'work',
    {
      description:
        'Spends `us` microseconds of CPU (a tool whose own work dominates, e.g. shaping a query result)',
      input: z.object({ us: z.number().int().min(0).max(100_000) }),
    },
    ({ us }) => {
      const end = performance.now() + us / 1000
      let spins = 0
      while (performance.now() < end) spins++
      return String(spins)
    },
  )
