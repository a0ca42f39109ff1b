/** Opaque list cursors: base64url of an offset, refused with -32602 when not one of ours. */
import { ErrorCode, RpcError } from '../protocol/jsonrpc.js'

const CURSOR_PREFIX = 'offset:'

export function encodeCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`).toString('base64url')
}

export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined) return 0
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString() : ''
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN
  if (!Number.isInteger(offset) || offset < 0)
    throw new RpcError(ErrorCode.InvalidParams, 'params.cursor is not a valid cursor')
  return offset
}

/** One page of `items` under `key`, from the offset `cursor` names, with `nextCursor` when more follow. */
export function pageOf(
  key: string,
  items: readonly unknown[],
  page: { cursor: unknown; pageSize: number },
): Record<string, unknown> {
  const offset = decodeCursor(page.cursor)
  const next = offset + page.pageSize
  return {
    [key]: items.slice(offset, next),
    ...(next < items.length ? { nextCursor: encodeCursor(next) } : {}),
  }
}
