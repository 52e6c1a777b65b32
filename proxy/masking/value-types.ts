/**
 * How masking reads and writes a value, by its PostgreSQL type. In text format every value is text.
 * In binary format only text-like types carry text (their send function sends the characters), so
 * only they can be masked in place; any other masked binary value becomes NULL.
 * https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES
 */
export const VALUE_CLASSES = [
  /** text, varchar, bpchar, name, unknown, xml, enums, citext, domains over these: binary = the text */
  "text",
  /** json: binary = the text; a masked value must stay JSON */
  "json",
  /** jsonb: binary = a version byte (1), then the text */
  "jsonb",
  /** bigint and numeric: a card number can be stored as a number; binary is decoded to look for one */
  "int8",
  "numeric",
  /** bytea: hex or raw bytes; content detectors would find digits in hex, so they are not run */
  "bytea",
  /** types whose text can hold no finding (booleans, small integers, dates, uuids…): detectors skip them */
  "plain",
  /** anything else (arrays, records, ranges, geometry…): text format is searched; binary is searched as raw bytes */
  "other",
] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];

/** Built-in type OIDs (pg_type.dat), which are the same on every server. */
const BUILT_IN: ReadonlyMap<number, ValueClass> = new Map<number, ValueClass>([
  [25, "text"], // text
  [1043, "text"], // varchar
  [1042, "text"], // bpchar
  [19, "text"], // name
  [705, "text"], // unknown
  [142, "text"], // xml
  [18, "text"], // "char"
  [1790, "text"], // refcursor
  [114, "json"],
  [3802, "jsonb"],
  [20, "int8"],
  [1700, "numeric"],
  [17, "bytea"],
  [16, "plain"], // bool
  [21, "plain"], // int2
  [23, "plain"], // int4
  [26, "plain"], // oid
  [28, "plain"], // xid
  [29, "plain"], // cid
  [5069, "plain"], // xid8
  [700, "plain"], // float4
  [701, "plain"], // float8
  [790, "plain"], // money
  [1082, "plain"], // date
  [1083, "plain"], // time
  [1266, "plain"], // timetz
  [1114, "plain"], // timestamp
  [1184, "plain"], // timestamptz
  [1186, "plain"], // interval
  [2950, "plain"], // uuid
  [869, "plain"], // inet
  [650, "plain"], // cidr
  [829, "plain"], // macaddr
  [774, "plain"], // macaddr8
  [3220, "plain"], // pg_lsn
]);

/** The class of a built-in type; undefined for others (extensions, enums, domains), which the catalog tells. */
export function builtInValueClass(typeOid: number): ValueClass | undefined {
  return BUILT_IN.get(typeOid);
}

/** The class of a type from its binary send function (pg_type.typsend), as the catalog names it. */
export function valueClassOfSendFunction(typsend: string): ValueClass {
  // regproc names a function outside the search_path with its schema (an extension's citextsend).
  switch (typsend.replace(/^.*\./, "")) {
    case "textsend":
    case "varcharsend":
    case "bpcharsend":
    case "namesend":
    case "unknownsend":
    case "xml_send":
    case "enum_send":
    case "citextsend":
      return "text";
    case "json_send":
      return "json";
    case "jsonb_send":
      return "jsonb";
    case "int8send":
      return "int8";
    case "numeric_send":
      return "numeric";
    case "byteasend":
      return "bytea";
    default:
      return "other";
  }
}

/** The text a value carries, for masking and detectors; null when the format has none to offer. */
export function readValueText(value: Buffer, cls: ValueClass, isBinary: boolean): string | null {
  if (!isBinary) return value.toString("utf8");
  switch (cls) {
    case "text":
    case "json":
      return value.toString("utf8");
    case "jsonb":
      // Version 1 is the only one there is; another would be a format we cannot read.
      if (value[0] !== 1) throw new Error(`jsonb binary version ${value[0]} is not supported`);
      return value.toString("utf8", 1);
    case "int8":
      return value.length === 8 ? value.readBigInt64BE(0).toString() : null;
    case "numeric":
      return decodeBinaryNumeric(value);
    case "other":
      // Arrays and records of text carry their elements' text among length words: search it as is.
      return value.toString("utf8");
    default:
      return null;
  }
}

/** Whether a masked text can be written back in this format; otherwise the value becomes NULL. */
export function canWriteText(cls: ValueClass, isBinary: boolean): boolean {
  return !isBinary || cls === "text" || cls === "json" || cls === "jsonb";
}

export function writeValueText(text: string, cls: ValueClass, isBinary: boolean): Buffer {
  if (isBinary && cls === "jsonb") return Buffer.concat([Buffer.from([1]), Buffer.from(text, "utf8")]);
  return Buffer.from(text, "utf8");
}

/**
 * numeric's binary form: ndigits, weight, sign, dscale (int16 each), then base-10000 digits.
 * https://github.com/postgres/postgres/blob/master/src/backend/utils/adt/numeric.c (numeric_send)
 */
export function decodeBinaryNumeric(value: Buffer): string | null {
  if (value.length < 8) return null;
  const ndigits = value.readInt16BE(0);
  const weight = value.readInt16BE(2);
  const sign = value.readUInt16BE(4);
  const dscale = value.readInt16BE(6);
  if (sign === 0xc000) return "NaN";
  if (sign === 0xd000) return "Infinity";
  if (sign === 0xf000) return "-Infinity";
  if (value.length < 8 + 2 * ndigits) return null;
  const digits: string[] = [];
  for (let i = 0; i < ndigits; i++) digits.push(String(value.readInt16BE(8 + 2 * i)).padStart(4, "0"));
  // Digit groups before the decimal point: weight + 1 (missing ones are zeros).
  const intGroups = weight + 1;
  let intPart = "";
  for (let i = 0; i < Math.max(intGroups, 0); i++) intPart += digits[i] ?? "0000";
  intPart = intPart.replace(/^0+(?=\d)/, "") || "0";
  let frac = "";
  for (let i = Math.max(intGroups, 0); i < ndigits; i++) frac += digits[i];
  if (intGroups < 0) frac = "0000".repeat(-intGroups) + frac;
  frac = frac.slice(0, dscale).padEnd(dscale, "0");
  return `${sign === 0x4000 ? "-" : ""}${intPart}${dscale > 0 ? `.${frac}` : ""}`;
}
