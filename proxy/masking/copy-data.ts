import type { Detector } from "@/lib/policy/policy-document";
import type { CopyFormat } from "./copy-statement";
import { maskCell, UNCHANGED, type ColumnPlan, type CompiledMasking } from "./result-masking";

/**
 * COPY TO STDOUT data, masked field by field. The server sends each row (and the header) as one
 * CopyData message; a message that ends inside a row is refused rather than guessed at.
 * Fields nothing masks keep their exact bytes; a masked field is written back in the format's own
 * quoting. https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-FILE-FORMATS
 */
export type CopyMasker = {
  mask(data: Buffer): Buffer;
};

/** `row`: the CopyData message's number from 0 (the header's included), as the recording keeps them. */
export type FindingsSink = (column: number, row: number, detectors: Set<Detector>) => void;

const NL = 0x0a;
const BACKSLASH = 0x5c;

export function createCopyMasker(format: CopyFormat, plans: ColumnPlan[], m: CompiledMasking, onFindings: FindingsSink): CopyMasker {
  if (format.encoding && !/^utf-?8$/i.test(format.encoding)) {
    // Masking reads text as UTF-8: data in another encoding could be misread, so it is refused.
    return { mask: () => { throw new Error(`COPY with ENCODING '${format.encoding}' cannot be masked; leave ENCODING out`); } };
  }
  if (format.format === "binary") return createBinaryCopyMasker(plans, m, onFindings);
  const isCsv = format.format === "csv";
  const delimiter = format.delimiter.charCodeAt(0);
  const nullBytes = Buffer.from(format.nullString, "utf8");
  let isHeaderPending = format.header;
  let message = -1;
  const fired = new Set<Detector>();

  const maskField = (column: number, value: string): Buffer | null | typeof UNCHANGED => {
    fired.clear();
    const out = maskCell(Buffer.from(value, "utf8"), plans[column]!, m, fired);
    if (fired.size > 0) onFindings(column, message, fired);
    return out;
  };

  return {
    mask(data) {
      message++;
      const pieces: Buffer[] = [];
      let isChanged = false;
      let at = 0;
      while (at < data.length) {
        const fields = isCsv ? splitCsvLine(data, at, delimiter, format.quote.charCodeAt(0), format.escape.charCodeAt(0)) : splitTextLine(data, at, delimiter);
        const lineEnd = fields.end;
        if (isHeaderPending) {
          isHeaderPending = false;
          pieces.push(data.subarray(at, lineEnd + 1));
          at = lineEnd + 1;
          continue;
        }
        if (fields.spans.length !== plans.length) throw new Error(`COPY row has ${fields.spans.length} fields, expected ${plans.length}`);
        let from = at;
        fields.spans.forEach((span, i) => {
          if (plans[i]!.kind === "pass") return;
          const raw = data.subarray(span.start, span.end);
          if (!span.isQuoted && raw.equals(nullBytes)) return;
          const value = isCsv ? decodeCsvField(raw, format.quote, format.escape) : decodeTextField(raw);
          const masked = maskField(i, value);
          if (masked === UNCHANGED) return;
          isChanged = true;
          pieces.push(data.subarray(from, span.start));
          pieces.push(masked === null ? nullBytes : Buffer.from(isCsv ? encodeCsvField(masked.toString("utf8"), format.quote, format.escape) : encodeTextField(masked.toString("utf8"), format.delimiter), "utf8"));
          from = span.end;
        });
        pieces.push(data.subarray(from, lineEnd + 1));
        at = lineEnd + 1;
      }
      return isChanged ? Buffer.concat(pieces) : data;
    },
  };
}

type Span = { start: number; end: number; isQuoted: boolean };

/** Text format: fields split on the delimiter; a backslash escapes the byte after it. */
export function splitTextLine(data: Buffer, from: number, delimiter: number): { spans: Span[]; end: number } {
  const spans: Span[] = [];
  let start = from;
  for (let i = from; i < data.length; i++) {
    const b = data[i]!;
    if (b === BACKSLASH) {
      i++;
    } else if (b === delimiter) {
      spans.push({ start, end: i, isQuoted: false });
      start = i + 1;
    } else if (b === NL) {
      spans.push({ start, end: i, isQuoted: false });
      return { spans, end: i };
    }
  }
  throw new Error("COPY data ends inside a row");
}

/** CSV: a field may be quoted; inside quotes the escape byte makes the next quote or escape literal. */
export function splitCsvLine(data: Buffer, from: number, delimiter: number, quote: number, escape: number): { spans: Span[]; end: number } {
  const spans: Span[] = [];
  let start = from;
  let inQuotes = false;
  let isQuoted = false;
  for (let i = from; i < data.length; i++) {
    const b = data[i]!;
    if (inQuotes) {
      if (b === escape && escape !== quote && (data[i + 1] === quote || data[i + 1] === escape)) i++;
      else if (b === quote && quote === escape && data[i + 1] === quote) i++;
      else if (b === quote) inQuotes = false;
    } else if (b === quote) {
      inQuotes = true;
      isQuoted = true;
    } else if (b === delimiter) {
      spans.push({ start, end: i, isQuoted });
      start = i + 1;
      isQuoted = false;
    } else if (b === NL) {
      spans.push({ start, end: i, isQuoted });
      return { spans, end: i };
    }
  }
  throw new Error("COPY data ends inside a row");
}

const TEXT_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** Undoes text format's backslash escapes (\n, \t, \\, \<delimiter>, octal \ooo, hex \xhh). */
export function decodeTextField(raw: Buffer): string {
  if (!raw.includes(BACKSLASH)) return raw.toString("utf8");
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b !== BACKSLASH || i + 1 >= raw.length) {
      out.push(b);
      continue;
    }
    const c = String.fromCharCode(raw[++i]!);
    if (TEXT_ESCAPES[c]) out.push(TEXT_ESCAPES[c].charCodeAt(0));
    else if (c >= "0" && c <= "7") {
      let v = Number(c);
      for (let k = 0; k < 2 && raw[i + 1]! >= 0x30 && raw[i + 1]! <= 0x37; k++) v = v * 8 + (raw[++i]! - 0x30);
      out.push(v & 0xff);
    } else if (c === "x" && isHex(raw[i + 1])) {
      let v = parseInt(String.fromCharCode(raw[++i]!), 16);
      if (isHex(raw[i + 1])) v = v * 16 + parseInt(String.fromCharCode(raw[++i]!), 16);
      out.push(v);
    } else out.push(raw[i]!);
  }
  return Buffer.from(out).toString("utf8");
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(b));
}

/** Text format's escaping, as COPY TO writes it (CopyAttributeOutText). */
export function encodeTextField(value: string, delimiter: string): string {
  let out = "";
  for (const ch of value) {
    // Control characters first: a tab is "\t" even when it is the delimiter.
    if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (ch === "\\" || ch === delimiter) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

export function decodeCsvField(raw: Buffer, quote: string, escape: string): string {
  const s = raw.toString("utf8");
  if (!s.includes(quote)) return s;
  let out = "";
  let inQuotes = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inQuotes) {
      if (ch === escape && (s[i + 1] === quote || (escape !== quote && s[i + 1] === escape))) out += s[++i];
      else if (ch === quote) inQuotes = false;
      else out += ch;
    } else if (ch === quote) inQuotes = true;
    else out += ch;
  }
  return out;
}

/** A masked CSV field is always quoted: valid whatever it holds, and never taken for NULL. */
export function encodeCsvField(value: string, quote: string, escape: string): string {
  let out = quote;
  for (const ch of value) out += ch === quote || ch === escape ? escape + ch : ch;
  return out + quote;
}

const BINARY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Binary COPY: a header (signature, flags, extension), then per row a field count and each field's
 * length and bytes, and a trailer of -1. Fields are masked as binary values of their column's type.
 * https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-BINARY-FORMAT
 */
function createBinaryCopyMasker(plans: ColumnPlan[], m: CompiledMasking, onFindings: FindingsSink): CopyMasker {
  let isHeaderPending = true;
  let message = -1;
  const fired = new Set<Detector>();
  return {
    mask(data) {
      message++;
      let at = 0;
      const pieces: Buffer[] = [];
      let from = 0;
      let isChanged = false;
      if (isHeaderPending) {
        if (data.length < 19 || !data.subarray(0, 11).equals(BINARY_SIGNATURE)) throw new Error("binary COPY data does not start with its signature");
        at = 19 + data.readInt32BE(15);
        isHeaderPending = false;
      }
      while (at < data.length) {
        const count = data.readInt16BE(at);
        at += 2;
        if (count === -1) break;
        if (count !== plans.length) throw new Error(`binary COPY row has ${count} fields, expected ${plans.length}`);
        for (let i = 0; i < count; i++) {
          const len = data.readInt32BE(at);
          const start = at + 4;
          at = start + Math.max(len, 0);
          if (at > data.length) throw new Error("COPY data ends inside a row");
          if (len < 0 || plans[i]!.kind === "pass") continue;
          fired.clear();
          const masked = maskCell(data.subarray(start, at), plans[i]!, m, fired);
          if (fired.size > 0) onFindings(i, message, fired);
          if (masked === UNCHANGED) continue;
          isChanged = true;
          pieces.push(data.subarray(from, start - 4));
          const header = Buffer.allocUnsafe(4);
          header.writeInt32BE(masked === null ? -1 : masked.length);
          pieces.push(header);
          if (masked) pieces.push(masked);
          from = at;
        }
      }
      if (!isChanged) return data;
      pieces.push(data.subarray(from));
      return Buffer.concat(pieces);
    },
  };
}
