/**
 * Names of the built-in PostgreSQL types clients bind and results carry most often, by OID
 * (pg_type.oid, fixed across versions). Anything else shows as "oid 1234".
 */
const TYPE_NAMES: Record<number, string> = {
  0: "unspecified",
  16: "bool",
  17: "bytea",
  18: "char",
  19: "name",
  20: "int8",
  21: "int2",
  23: "int4",
  25: "text",
  26: "oid",
  114: "json",
  142: "xml",
  700: "float4",
  701: "float8",
  790: "money",
  869: "inet",
  1042: "bpchar",
  1043: "varchar",
  1082: "date",
  1083: "time",
  1114: "timestamp",
  1184: "timestamptz",
  1186: "interval",
  1266: "timetz",
  1700: "numeric",
  2950: "uuid",
  3802: "jsonb",
  1000: "bool[]",
  1005: "int2[]",
  1007: "int4[]",
  1016: "int8[]",
  1009: "text[]",
  1015: "varchar[]",
  2951: "uuid[]",
};

export function pgTypeName(oid: number): string {
  return TYPE_NAMES[oid] ?? `oid ${oid}`;
}
