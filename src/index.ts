/**
 * `toolwire`: the package root holds what every part shares — the error hierarchy and the
 * protocol versions. The API lives in subpaths, so an app loads only what it uses:
 *
 * - `toolwire/client`: `MCPServerStreamableHttp`, auth (`oauth()`, `clientCredentials()`), errors
 * - `toolwire/server`: `ToolServer`, `serve()`, auth, rate limits, logs, metrics
 * - `toolwire/agent`: `Agent`, `Runner`, models (`toolwire/agent/testing`: a scripted model)
 *
 * @example
 * ```ts
 * import { isToolwireError } from 'toolwire'
 * import { MCPServerStreamableHttp } from 'toolwire/client'
 * ```
 */
export {
  CircuitOpenError,
  ERROR_CODES,
  type ErrorSite,
  isToolwireError,
  McpAuthError,
  McpClosedError,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  McpToolError,
  type TimeoutKind,
  ToolwireConfigError,
  ToolwireError,
  type ToolwireErrorCode,
} from './protocol/errors.js'
export { MissingPackageError } from './protocol/optional-package.js'
export { MODERN_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './protocol/versions.js'
