import { createHash } from "node:crypto";
import type { StatementContext } from "../hooks/gateway-hooks";

/** What a record writes for a text that was not valid UTF-8, or held a NUL (records.ts cleanText). */
const REPLACEMENT_CHARACTER = "\uFFFD";

/**
 * The identity of one exact statement, for grants of scope `statement`: a SHA-256 over the SQL text
 * as the client sent it, byte for byte (nothing normalised: other whitespace, casing or literals is
 * another statement), and each bound parameter with its format, type OID and value (NULL apart from
 * the empty string). Different texts or parameters give different digests; the same give the same.
 *
 * Null when the gateway does not hold the statement exactly: a parameter cut for the record, or one
 * whose bytes did not decode as they came (a replacement character stands for them). Such a statement
 * cannot be granted exactly and is held each time (fail closed).
 */
export function statementDigestOf(ctx: Pick<StatementContext, "sql" | "sqlDigest" | "params">): string | null {
  const params = ctx.params ?? [];
  for (const p of params) {
    if (p.isTruncated) return null;
    if (p.format === "text" && p.value?.includes(REPLACEMENT_CHARACTER)) return null;
  }
  // A statement too large to keep whole is known by its full text's size and hash.
  const text = ctx.sqlDigest ? { bytes: ctx.sqlDigest.bytes, sha256: ctx.sqlDigest.sha256 } : { text: ctx.sql };
  const canonical = JSON.stringify({ v: 1, sql: text, params: params.map((p) => [p.format, p.typeOid, p.value]) });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
