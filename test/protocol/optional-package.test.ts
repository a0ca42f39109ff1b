import { describe, expect, it } from 'vitest'
import { ToolwireConfigError } from '../../src/protocol/errors.js'
import { importOptional, MissingPackageError } from '../../src/protocol/optional-package.js'

describe('optional packages', () => {
  it('a missing package is a config error naming the package and the install command', async () => {
    const name = 'toolwire-test-not-installed'
    const failure = await importOptional(name, 'the test feature', () => import(name)).catch(
      (e: unknown) => e,
    )
    expect(failure).toBeInstanceOf(MissingPackageError)
    expect(failure).toBeInstanceOf(ToolwireConfigError)
    expect((failure as MissingPackageError).code).toBe('TOOLWIRE_CONFIG')
    expect((failure as MissingPackageError).packageName).toBe(name)
    expect((failure as Error).message).toBe(
      `the test feature needs the optional package ${name}: npm install ${name}`,
    )
  })

  it('an installed package loads, and other failures are not disguised as a missing package', async () => {
    const module = await importOptional('openai', 'x', () => import('openai'))
    expect(typeof module.default).toBe('function')
    const broken = new Error('boom')
    await expect(importOptional('openai', 'x', () => Promise.reject(broken))).rejects.toBe(broken)
  })
})
