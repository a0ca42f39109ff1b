/**
 * Newline-delimited messages (the MCP stdio transport: one JSON-RPC message per line, UTF-8, no
 * embedded newlines). Bytes are split on `\n` before decoding, so a multi-byte character split
 * across chunks stays whole; a line longer than `maxLineBytes` is dropped (and reported) instead
 * of growing a buffer without bound.
 */
export interface LineSplitterOptions {
  maxLineBytes: number
  onLine: (line: string) => void
  /** A line past `maxLineBytes` was dropped; `bytes` is how long it was when dropped. */
  onOversized: (bytes: number) => void
}

export class LineSplitter {
  readonly #o: LineSplitterOptions
  #parts: Buffer[] = []
  #size = 0
  /** Skipping the rest of an oversized line. */
  #skipping = false

  constructor(options: LineSplitterOptions) {
    this.#o = options
  }

  feed(chunk: Buffer): void {
    let start = 0
    for (;;) {
      const end = chunk.indexOf(10, start)
      if (end === -1) {
        this.#keep(chunk.subarray(start))
        return
      }
      this.#keep(chunk.subarray(start, end))
      this.#emit()
      start = end + 1
    }
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.#size > 0) this.#emit()
  }

  #keep(part: Buffer): void {
    if (part.length === 0 || this.#skipping) return
    this.#size += part.length
    if (this.#size > this.#o.maxLineBytes) {
      this.#skipping = true
      this.#parts = []
      this.#o.onOversized(this.#size)
      return
    }
    this.#parts.push(part)
  }

  #emit(): void {
    const parts = this.#parts
    const skipped = this.#skipping
    this.#parts = []
    this.#size = 0
    this.#skipping = false
    if (skipped || parts.length === 0) return
    const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8')
    const line = text.endsWith('\r') ? text.slice(0, -1) : text
    if (line.trim() !== '') this.#o.onLine(line)
  }
}
