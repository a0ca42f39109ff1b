/** docs/client.md: resources, prompts and completions of a server. */
import { MCPServerStreamableHttp } from 'toolwire/client'

export async function resourcesAndPrompts(url: string) {
  // #region resources
  await using crm = await new MCPServerStreamableHttp({ name: 'CRM Tools', params: { url } }).connect()
  const resources = await crm.listResources() // every page: [{ uri: 'crm://schema', name, mimeType, … }]
  const templates = await crm.listResourceTemplates() // [{ uriTemplate: 'crm://customers/{id}', … }]
  const schema = await crm.readResource('crm://schema')
  for (const content of schema.contents) {
    if ('text' in content) console.log(content.text)
    else console.log(`${content.uri}: ${Buffer.from(content.blob, 'base64').length} bytes`)
  }
  // #endregion resources

  // #region subscribe
  crm.on('resourceUpdated', async ({ uri }) => console.log(uri, 'changed:', await crm.readResource(uri)))
  crm.on('listChanged', ({ list }) => console.log(`the ${list} list changed`))
  await crm.subscribeResource('crm://status')
  // … later
  await crm.unsubscribeResource('crm://status')
  // #endregion subscribe

  // #region prompts
  const prompts = await crm.listPrompts() // [{ name: 'follow_up', arguments: [{ name: 'customer', required: true }, …] }]
  const prompt = await crm.getPrompt('follow_up', { customer: 'Acme', tone: 'casual' })
  for (const message of prompt.messages) console.log(message.role, message.content)
  const { completion } = await crm.complete(
    { type: 'ref/prompt', name: 'follow_up' },
    { name: 'tone', value: 'f' },
  )
  console.log(completion.values) // ['formal', 'friendly']
  // #endregion prompts
  return { resources, templates, prompts }
}
