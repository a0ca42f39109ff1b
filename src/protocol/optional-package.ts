/**
 * Optional peer dependencies (openai, ioredis, rate-limiter-flexible): loaded with `import()`
 * on first use, so an app that never uses them installs nothing for them. A missing one is a
 * configuration error that names the package and the install command.
 */
import { ToolwireConfigError } from './errors.js'

/** An optional peer dependency a feature needs is not installed. */
export class MissingPackageError extends ToolwireConfigError {
  override name = 'MissingPackageError'
  /** The npm package to install, e.g. `openai`. */
  readonly packageName: string
  constructor(packageName: string, feature: string, cause?: unknown) {
    super(`${feature} needs the optional package ${packageName}: npm install ${packageName}`)
    this.packageName = packageName
    if (cause !== undefined) this.cause = cause
  }
}

/**
 * Runs `load` (an `import()` of `packageName`), turning "package not found" into a
 * {@link MissingPackageError}; any other failure (a broken install) is rethrown as is.
 */
export async function importOptional<T>(
  packageName: string,
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isPackageMissing(error, packageName)) throw new MissingPackageError(packageName, feature, error)
    throw error
  }
}

function isPackageMissing(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  // Only the package itself: a dependency missing inside it is a broken install, not this.
  return error.message.includes(`'${packageName}'`) || error.message.includes(`"${packageName}"`)
}
