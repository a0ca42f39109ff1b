/** Human output (tables, a progress bar) and the CLI's error kinds. */

/** A mistake in how the command was called: help is printed and the exit code is 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** Left-aligned columns; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** A one-line progress bar on a TTY stderr; plain lines otherwise. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let drawn = false
  return {
    update(progress: number, total: number | undefined, message: string | undefined) {
      const text = message ? ` ${message}` : ''
      if (!stream.isTTY) {
        stream.write(`progress ${progress}${total ? `/${total}` : ''}${text}\n`)
        return
      }
      const width = 30
      const filled = total ? Math.round((Math.min(progress, total) / total) * width) : 0
      const bar = total
        ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress}/${total}`
        : `${progress}`
      stream.write(`\r${bar}${text}`.slice(0, (stream.columns ?? 80) - 1).padEnd((stream.columns ?? 80) - 1))
      drawn = true
    },
    done() {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
