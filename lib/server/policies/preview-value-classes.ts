import "server-only";

/**
 * How the masking preview treats a result column of a given type, in text format (the format
 * node-postgres reads, and psql): the same as the gateway's `builtInValueClass` (proxy/masking/
 * value-types.ts) for text results, which `preview-value-classes.test.ts` keeps in step.
 * - skip: the text can hold no finding (booleans, small numbers, dates, uuids…) or is bytea's hex,
 *   where detectors would find digits; content detectors are not run on it;
 * - json / jsonb: a masked value must still be JSON;
 * - search: everything else, including every type that is not built in (enums, domains, extensions).
 */
export type PreviewValueClass = "skip" | "json" | "jsonb" | "search";

/** Built-in type OIDs (pg_type.dat), the same on every server. */
const SKIPPED_TYPES: ReadonlySet<number> = new Set([
  17, // bytea
  16, // bool
  21, // int2
  23, // int4
  26, // oid
  28, // xid
  29, // cid
  5069, // xid8
  700, // float4
  701, // float8
  790, // money
  1082, // date
  1083, // time
  1266, // timetz
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  2950, // uuid
  869, // inet
  650, // cidr
  829, // macaddr
  774, // macaddr8
  3220, // pg_lsn
]);

export function previewValueClass(typeOid: number): PreviewValueClass {
  if (typeOid === 114) return "json";
  if (typeOid === 3802) return "jsonb";
  return SKIPPED_TYPES.has(typeOid) ? "skip" : "search";
}
