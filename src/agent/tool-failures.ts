/** Tool failures as text a model can act on, instead of errors that end the run. */
import {
  CircuitOpenError,
  McpAuthError,
  McpConnectionError,
  McpHttpError,
  McpTimeoutError,
  ToolwireError,
} from '../protocol/errors.js'
import type { ToolRoute } from './tool-routing.js'

export function describeFailure(error: unknown, name: string, route: ToolRoute): string {
  const where = route.kind === 'mcp' ? route.server.name : 'the local tool'
  if (error instanceof CircuitOpenError) {
    return `Error: ${where} is unavailable (circuit open, retry in ${Math.ceil(error.retryInSeconds)} s); answer without ${name} and say what is missing`
  }
  if (error instanceof McpTimeoutError) {
    return `Error: ${where} did not answer ${name} within ${error.seconds} s (${error.timeout} timeout); it may be overloaded`
  }
  if (error instanceof McpConnectionError)
    return `Error: ${where} is unreachable (${firstLine(error)}); answer without ${name}`
  if (error instanceof McpAuthError) return `Error: ${where} refused our credentials for ${name}`
  if (error instanceof McpHttpError) return `Error: ${where} answered HTTP ${error.status} to ${name}`
  if (error instanceof ToolwireError) return `Error: ${name} on ${where} failed: ${firstLine(error)}`
  return `Error: ${name} failed: ${error instanceof Error ? error.message : String(error)}`
}

function firstLine(error: Error): string {
  // The error's " [server at url]" suffix repeats what the output already says.
  return error.message.split('\n')[0]!.replace(/ \[[^\]]*\]/g, '')
}
