/**
 * The Runner's own overhead per tool-call turn (the goal: under 1 ms), measured on the
 * compiled package with a scripted model (no model time) and:
 *  (a) a local function tool that returns at once: everything measured is the runner's;
 *  (b) an MCP tool on a loopback server: per-turn time minus a bare `callTool` of the same tool
 *      measured in the same run (the baseline), so network and server time cancel out.
 * Usage: node --import tsx bench/agent.ts [--turns 200] [--rounds 5] [--json]
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'

const DIST = '../dist'
const { Agent, Runner, tool } = (await import(
  `${DIST}/agent/index.js`
)) as typeof import('../src/agent/index.js')
const { ScriptedModel } = (await import(
  `${DIST}/agent/testing/index.js`
)) as typeof import('../src/agent/testing/index.js')
const { MCPServerStreamableHttp } = (await import(
  `${DIST}/client/index.js`
)) as typeof import('../src/client/index.js')
const { serve, ToolServer } = (await import(
  `${DIST}/server/index.js`
)) as typeof import('../src/server/index.js')

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'boolean' },
  },
})
const TURNS = Number(args.turns)
const ROUNDS = Number(args.rounds)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function script(toolName: string, turns: number) {
  return new ScriptedModel([
    ...Array.from({ length: turns }, () => ({ toolCalls: [{ name: toolName, arguments: { text: 'hi' } }] })),
    { answer: 'done' },
  ])
}

async function timeRun(make: (turns: number) => InstanceType<typeof Agent>, turns: number): Promise<number> {
  const started = performance.now()
  await Runner.run(make(turns), 'go', { maxTurns: turns + 1 })
  return performance.now() - started
}

const echo = tool({
  name: 'echo',
  description: 'echo',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
})
const local = (turns: number) => new Agent({ name: 'bench', model: script('echo', turns), tools: [echo] })

const running = await serve(
  new ToolServer({ name: 'bench' }).tool(
    'echo',
    { input: z.object({ text: z.string() }), annotations: { readOnlyHint: true } },
    ({ text }) => text,
  ),
  { port: 0, env: false },
)
const client = await new MCPServerStreamableHttp({ name: 'bench', params: { url: running.url } }).connect()
const remote = (turns: number) =>
  new Agent({ name: 'bench', model: script('echo', turns), mcpServers: [client] })

async function bareCalls(n: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < n; i++) await client.callTool('echo', { text: 'hi' })
  return performance.now() - started
}

// Warm-up: JIT, connections, the tool-list cache.
await timeRun(local, 50)
await timeRun(remote, 50)
await bareCalls(200)

const localPerTurn: number[] = []
const remotePerTurn: number[] = []
const barePerCall: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  const zero = await timeRun(local, 0)
  localPerTurn.push(((await timeRun(local, TURNS)) - zero) / TURNS)
  const zeroRemote = await timeRun(remote, 0)
  remotePerTurn.push(((await timeRun(remote, TURNS)) - zeroRemote) / TURNS)
  barePerCall.push((await bareCalls(TURNS)) / TURNS)
}
await client.close()
await running.close()

const results = {
  turns: TURNS,
  rounds: ROUNDS,
  localToolTurnMs: median(localPerTurn),
  mcpToolTurnMs: median(remotePerTurn),
  bareCallToolMs: median(barePerCall),
  runnerOverheadMs: median(remotePerTurn) - median(barePerCall),
}
if (args.json) console.log(JSON.stringify(results))
else {
  const ms = (n: number) => `${n.toFixed(3)} ms`
  console.log(
    `Runner overhead per tool-call turn (medians of ${ROUNDS} rounds × ${TURNS} turns, scripted model)`,
  )
  console.log(`  (a) local function tool, whole turn:            ${ms(results.localToolTurnMs)}`)
  console.log(`  (b) MCP tool over loopback, whole turn:          ${ms(results.mcpToolTurnMs)}`)
  console.log(`      bare callTool of the same tool (baseline):   ${ms(results.bareCallToolMs)}`)
  console.log(
    `      runner overhead = (b) − baseline:            ${ms(results.runnerOverheadMs)}  (goal < 1 ms; ratio ${(results.mcpToolTurnMs / results.bareCallToolMs).toFixed(2)}× the bare call)`,
  )
}
