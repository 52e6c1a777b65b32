import { createHash } from "node:crypto";
import { classifySql, MAX_CLASSIFIED_SQL_BYTES, type SqlClassification } from "@/lib/policy/classify-statement";
import { protocolViolation } from "../protocol/client-error";
import { RECORDED_SQL_CHARS } from "./statement-run";

export type SqlDigest = { bytes: number; sha256: string };

/**
 * A Query message's text. Text over the classifier's limit is never decoded whole on the event loop:
 * the statement is refused unparsed, so only its beginning is kept (for the record and the policy's
 * message), with the whole text's size and hash, computed a slice at a time so other sessions run
 * in between. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-QUERY
 */
export function decodeQueryText(frame: Buffer): { sql: string; digest?: Promise<SqlDigest> } {
  // Payload: the text, then a zero byte, as the last byte of the frame.
  if (frame.length < 6 || frame[frame.length - 1] !== 0) throw protocolViolation("invalid Query message: the string is not terminated");
  const text = frame.subarray(5, frame.length - 1);
  if (text.length <= MAX_CLASSIFIED_SQL_BYTES) {
    if (text.includes(0)) throw protocolViolation("invalid Query message: a zero byte inside the string");
    return { sql: text.toString("utf8") };
  }
  return { sql: text.subarray(0, RECORDED_SQL_CHARS).toString("utf8"), digest: digestInSlices(text) };
}

/** The unparsed classification of an oversized text (its beginning stands for it). */
export function oversizedClassification(sql: string, digest: SqlDigest): SqlClassification {
  const error = `statement text of ${digest.bytes} bytes is over the classifier's limit of ${MAX_CLASSIFIED_SQL_BYTES} bytes`;
  return { isParsed: false, error, statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: ["oversized"] }] };
}

const SLICE_BYTES = 1024 * 1024;

async function digestInSlices(text: Buffer): Promise<SqlDigest> {
  const hash = createHash("sha256");
  for (let off = 0; off < text.length; off += SLICE_BYTES) {
    hash.update(text.subarray(off, off + SLICE_BYTES));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { bytes: text.length, sha256: hash.digest("hex") };
}

/**
 * The classification of a client's text. When the classifier itself fails on the text, the text
 * counts as not parsed: the fail-closed rule applies, after PostgreSQL's parser has had its say
 * (syntax-probe.ts), instead of the failure ending the session as an internal error. Text too deep
 * for the classifier's tree walkers is answered so by classifySql itself (with `classifierFailure`);
 * the catch here stays for any other failure of the classifier, so that one fails closed too.
 */
export function classifyClientSql(sql: string): SqlClassification & { classifierFailure?: string } {
  try {
    return classifySql(sql);
  } catch (err) {
    const reason = (err as Error)?.message ?? String(err);
    return {
      isParsed: false,
      error: `Warden's classifier failed on this text (${reason})`,
      statements: [{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: ["unparsed"] }],
      classifierFailure: reason,
    };
  }
}
