/** `toolwire resources | read | prompts | prompt`: what a server offers besides tools, from the command line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { buildCli, runCli } from '../support/cli.js'

let running: RunningServer

beforeAll(async () => {
  await buildCli()
  const server = new ToolServer({ name: 'docs', version: '1.0.0' })
    .resource('docs://readme', { title: 'Read me', mimeType: 'text/markdown' }, () => '# Hello\nworld')
    .resource('docs://logo', { mimeType: 'image/png' }, () => Buffer.from([1, 2, 3]))
    .resourceTemplate(
      'docs://pages/{slug}',
      { name: 'page', mimeType: 'text/plain' },
      (_u, { slug }) => `page ${slug}`,
    )
    .prompt(
      'summarize',
      {
        description: 'Summarize a page',
        arguments: z.object({ page: z.string(), words: z.string().optional() }),
      },
      ({ page, words }) => `Summarize ${page} in ${words ?? '50'} words.`,
    )
  running = await serve(server, { port: 0, env: false })
}, 240_000)
afterAll(() => running.close())

const toolwire = (args: string[]) => runCli(args, {}, 30_000)

describe('toolwire resources, read, prompts, prompt', () => {
  it('lists and reads resources', async () => {
    const [list, json, text, templated, blob, missing] = await Promise.all([
      toolwire(['resources', running.url]),
      toolwire(['resources', running.url, '--json']),
      toolwire(['read', running.url, 'docs://readme']),
      toolwire(['read', running.url, 'docs://pages/intro']),
      toolwire(['read', running.url, 'docs://logo', '--json']),
      toolwire(['read', running.url, 'docs://nothing']),
    ])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/^2 resources, 1 templates/)
    expect(list.stdout).toMatch(/^docs:\/\/readme\s+text\/markdown\s+Read me$/m)
    expect(list.stdout).toMatch(/^docs:\/\/pages\/\{slug\}\s+text\/plain\s+page$/m)
    expect(JSON.parse(json.stdout)).toMatchObject({
      resources: [{ uri: 'docs://readme' }, { uri: 'docs://logo' }],
      resourceTemplates: [{ uriTemplate: 'docs://pages/{slug}' }],
    })
    expect(text).toMatchObject({ code: 0, stdout: '# Hello\nworld\n' })
    expect(templated.stdout).toBe('page intro\n')
    expect(JSON.parse(blob.stdout).contents[0]).toMatchObject({ blob: 'AQID', mimeType: 'image/png' })
    expect(missing).toMatchObject({ code: 1, stdout: '' })
    expect(missing.stderr).toMatch(/^error: resources\/read failed: .*docs:\/\/nothing/)
  })

  it('lists prompts and gets one with --arg', async () => {
    const [list, prompt, bad] = await Promise.all([
      toolwire(['prompts', running.url]),
      toolwire(['prompt', running.url, 'summarize', '--arg', 'page=intro', '--arg', 'words=10']),
      toolwire(['prompt', running.url, 'summarize', '--arg', 'page']),
    ])
    expect(list.stdout).toMatch(/^summarize\s+page, words\?\s+Summarize a page$/m)
    expect(prompt).toMatchObject({ code: 0, stdout: 'user: Summarize intro in 10 words.\n' })
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toBe('error: --arg looks like key=value, got "page"\n(see toolwire prompt --help)\n')
  })
})
