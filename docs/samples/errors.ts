/** docs/errors.md: branching on error codes. */
import { isToolwireError, type MCPServerStreamableHttp } from 'toolwire/client'

export async function handle(crm: MCPServerStreamableHttp) {
  // #region switch
  try {
    await crm.callTool('search_contacts', { query: 'acme' })
  } catch (error) {
    if (!isToolwireError(error)) throw error
    switch (error.code) {
      case 'MCP_TIMEOUT':
      case 'MCP_CONNECTION':
        // transient: the retry policy already tried; back off or report
        break
      case 'MCP_AUTH':
        // re-authorize
        break
      default:
        throw error
    }
  }
  // #endregion switch
}
