import { protocolViolation } from "./client-error";
import { PayloadReader } from "./payload-reader";

/**
 * Decoders for the frontend messages the gateway must understand (the rest pass through untouched).
 * Each takes the whole frame, header included. https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** Query ('Q'): one string, possibly several statements. */
export function decodeQuery(frame: Buffer): { sql: string } {
  const r = new PayloadReader(frame, 5, "Query");
  const sql = r.cstring();
  r.end();
  return { sql };
}

export type ParseMessage = { statement: string; sql: string; paramTypes: number[] };

/** Parse ('P'): statement name, query text, parameter type OIDs (0 = unspecified). */
export function decodeParse(frame: Buffer): ParseMessage {
  const r = new PayloadReader(frame, 5, "Parse");
  const statement = r.cstring();
  const sql = r.cstring();
  // Counts are unsigned (pq_getmsgint(msg, 2)): up to 65,535 parameters.
  const n = r.uint16();
  const paramTypes: number[] = [];
  for (let i = 0; i < n; i++) paramTypes.push(r.int32() >>> 0);
  r.end();
  return { statement, sql, paramTypes };
}

export type BindMessage = {
  portal: string;
  statement: string;
  /** Per parameter: 0 text, 1 binary. */
  paramFormats: number[];
  /** Raw values; null is SQL NULL. */
  values: (Buffer | null)[];
  resultFormats: number[];
};

/** Bind ('B'): portal, statement, parameter formats and values, result formats. */
export function decodeBind(frame: Buffer): BindMessage {
  const r = new PayloadReader(frame, 5, "Bind");
  const portal = r.cstring();
  const statement = r.cstring();
  // Counts are unsigned (PostgreSQL reads them with pq_getmsgint(msg, 2)): up to 65,535 each.
  // Format codes are signed (int16), as PostgreSQL stores them.
  const formatCount = r.uint16();
  const formats: number[] = [];
  for (let i = 0; i < formatCount; i++) formats.push(r.int16());
  const valueCount = r.uint16();
  if (formatCount > 1 && formatCount !== valueCount) {
    throw protocolViolation(`bind message has ${formatCount} parameter formats but ${valueCount} parameters`);
  }
  const values: (Buffer | null)[] = [];
  for (let i = 0; i < valueCount; i++) {
    const len = r.int32();
    values.push(len === -1 ? null : r.bytes(len));
  }
  const resultCount = r.uint16();
  const resultFormats: number[] = [];
  for (let i = 0; i < resultCount; i++) resultFormats.push(r.int16());
  r.end();
  // Zero formats means all text; one format applies to every parameter.
  const paramFormats = values.map((_, i) => (formatCount === 0 ? 0 : formatCount === 1 ? formats[0] : formats[i]));
  return { portal, statement, paramFormats, values, resultFormats };
}

/** Execute ('E'): portal and row limit (0 = all rows). */
export function decodeExecute(frame: Buffer): { portal: string; maxRows: number } {
  const r = new PayloadReader(frame, 5, "Execute");
  const portal = r.cstring();
  const maxRows = r.int32();
  r.end();
  return { portal, maxRows };
}

/** Describe ('D') and Close ('C'): 'S' for a prepared statement or 'P' for a portal, and its name. */
export function decodeTarget(frame: Buffer, what: "Describe" | "Close"): { target: "S" | "P"; name: string } {
  const r = new PayloadReader(frame, 5, what);
  const kind = String.fromCharCode(r.byte());
  if (kind !== "S" && kind !== "P") throw protocolViolation(`invalid ${what} message subtype ${JSON.stringify(kind)}`);
  const name = r.cstring();
  r.end();
  return { target: kind, name };
}

/** PasswordMessage ('p') in reply to AuthenticationCleartextPassword. */
export function decodePassword(frame: Buffer): string {
  const r = new PayloadReader(frame, 5, "PasswordMessage");
  const password = r.cstring();
  r.end();
  return password;
}
