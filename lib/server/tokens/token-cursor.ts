/**
 * The keyset cursor of the token list: the last row's created_at, as PostgreSQL printed it (to the
 * microsecond: a JavaScript Date keeps only milliseconds, and rounding would skip or repeat tokens
 * minted within the same millisecond), and its id, to break ties.
 */
export type TokenCursor = { createdAt: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** timestamptz's text output, e.g. `2026-12-07 17:25:09.123456+00`. */
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

export function encodeTokenCursor(cursor: TokenCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString("base64url");
}

/** A cursor that is not one this list handed out is null (the first page), never a database error. */
export function decodeTokenCursor(cursor: string): TokenCursor | null {
  const [createdAt, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !createdAt || !id || !PG_TIMESTAMPTZ.test(createdAt) || !UUID.test(id)) return null;
  return { createdAt, id };
}
