/**
 * Text from a server made safe to print on a terminal or in a log line: control characters
 * (ESC sequences, carriage returns, NUL…) and bidirectional overrides (which reorder what a
 * reader sees) become visible `\u{…}` escapes; length is capped.
 */

// C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
// zero-width and line/paragraph separators.
const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g
const UNPRINTABLE_ON_ONE_LINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g

function visible(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`
}

/** `text` with unprintable characters escaped and at most `maxChars` characters (then `…`). */
export function printable(text: string, options: { maxChars?: number; oneLine?: boolean } = {}): string {
  const max = options.maxChars ?? 2000
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut.replace(options.oneLine ? UNPRINTABLE_ON_ONE_LINE : UNPRINTABLE, visible)
}

/** Whether `text` holds characters `printable` would escape (on one line). */
export function hasUnprintable(text: string): boolean {
  UNPRINTABLE_ON_ONE_LINE.lastIndex = 0
  return UNPRINTABLE_ON_ONE_LINE.test(text)
}
