/**
 * How masking treats a value, by its PostgreSQL type. The gateway reads and writes values of each
 * class (proxy/masking/value-types.ts); the console's masking preview, which reads text only, plans
 * columns with the same classes, so both run detectors on the same columns.
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

/** A text-format value's class does not depend on binary layouts: a built-in type's, or "other" (searched). */
export function textValueClass(typeOid: number): ValueClass {
  return BUILT_IN.get(typeOid) ?? "other";
}

/** Whether content detectors look at values of this class: not where the text can hold no finding, nor bytea. */
export function isSearchedByDetectors(cls: ValueClass): boolean {
  return cls !== "plain" && cls !== "bytea";
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
