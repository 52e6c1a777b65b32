import type { ColumnLineage, LineageCatalog, LineageRelation } from "../lineage-types";

/**
 * A small catalog as data, for the analyzer's unit tests: customers and orders, views over them
 * (one over another), a partitioned table with a partition, a name in two schemas, and a user
 * function. Names not listed answer [] (unknown); functions listed in `unloadedFunctions` and
 * relations in `unloadedRelations` answer undefined (not loaded yet).
 */

function direct(schema: string, table: string, column: string, extra: { schema: string; table: string; column: string }[] = []): ColumnLineage {
  return { kind: "direct", sources: [{ schema, table, column }, ...extra] };
}

let nextOid = 1000;

function table(schema: string, name: string, columns: string[], kind = "r"): LineageRelation {
  return { oid: nextOid++, schema, name, kind, viewDefinition: null, columns: columns.map((c, i) => ({ name: c, attnum: i + 1, typeOid: 25, lineage: direct(schema, name, c) })) };
}

function view(schema: string, name: string, columns: string[], definition: string, kind = "v"): LineageRelation {
  return { oid: nextOid++, schema, name, kind, viewDefinition: definition, columns: columns.map((c, i) => ({ name: c, attnum: i + 1, typeOid: 25, lineage: { kind: "undetermined", reason: "a view's columns come from its definition", sources: [] } })) };
}

function partition(schema: string, name: string, root: string, columns: string[]): LineageRelation {
  return { oid: nextOid++, schema, name, kind: "r", viewDefinition: null, columns: columns.map((c, i) => ({ name: c, attnum: i + 1, typeOid: 25, lineage: direct(schema, name, c, [{ schema, table: root, column: c }]) })) };
}

export const FIXTURE_RELATIONS: LineageRelation[] = [
  table("public", "customers", ["id", "name", "email", "card_number", "national_id"]),
  table("public", "orders", ["id", "customer_id", "total", "note"]),
  table("public", "archive", ["id", "email", "card_number"]),
  table("pg_temp_3", "scratch", ["id", "email"]),
  view("public", "customer_emails", ["id", "email"], " SELECT customers.id,\n    customers.email\n   FROM customers;"),
  view("public", "emails_again", ["email"], " SELECT customer_emails.email\n   FROM customer_emails;"),
  view("public", "masked_summary", ["n", "domain"], " SELECT count(*) AS n,\n    split_part(customers.email, '@'::text, 2) AS domain\n   FROM customers\n  GROUP BY (split_part(customers.email, '@'::text, 2));"),
  // A chain of views, each over the one before: chain_1 over customers … chain_6 over chain_5.
  ...[1, 2, 3, 4, 5, 6].map((n) => view("public", `chain_${n}`, ["email"], n === 1 ? "SELECT customers.email FROM customers" : `SELECT chain_${n - 1}.email FROM chain_${n - 1}`)),
  view("public", "loop_a", ["x"], "SELECT x FROM loop_b"),
  view("public", "loop_b", ["x"], "SELECT x FROM loop_a"),
  view("public", "mv_emails", ["email"], " SELECT customers.email FROM customers;", "m"),
  table("public", "events", ["id", "payload"], "p"),
  partition("public", "events_2026", "events", ["id", "payload"]),
  table("public", "contacts", ["email"]),
  table("crm", "contacts", ["email", "phone"]),
  table("pg_catalog", "pg_statistic", ["starelid", "staattnum", "stanullfrac", "stavalues1", "stavalues5"]),
  view("pg_catalog", "pg_stats", ["schemaname", "tablename", "attname", "null_frac", "most_common_vals", "histogram_bounds"], "SELECT 'x'::name AS schemaname, 'y'::name AS tablename, 'z'::name AS attname, 0::real AS null_frac, NULL::anyarray AS most_common_vals, NULL::anyarray AS histogram_bounds"),
];

/** `readOnlyFunctions`: user functions the catalog knows to be STABLE or IMMUTABLE (every other user function may write). */
export function fixtureCatalog(opts: { unloadedRelations?: string[]; unloadedFunctions?: string[]; userFunctions?: string[]; readOnlyFunctions?: string[]; operators?: { user?: string[]; unloaded?: string[] } } = {}): LineageCatalog {
  const userFunctions = new Set(opts.userFunctions ?? ["mask_me", "lookup_secret"]);
  const operators = opts.operators;
  return {
    // Only when asked for: a catalog without operatorKind checks operator names against PostgreSQL's own.
    ...(operators ? { operatorKind: (name: string) => (operators.unloaded?.includes(name) ? undefined : operators.user?.includes(name) ? "user" : "builtin") } : {}),
    relations(schema, name) {
      if (opts.unloadedRelations?.includes(name)) return undefined;
      return FIXTURE_RELATIONS.filter((r) => r.name === name && (schema === null ? true : schema === "pg_temp" ? r.schema.startsWith("pg_temp") : r.schema === schema));
    },
    functionKind(schema, name) {
      if (opts.unloadedFunctions?.includes(name)) return undefined;
      if (schema !== null && schema !== "pg_catalog") return "user";
      return userFunctions.has(name) ? "user" : "builtin";
    },
    functionMayWrite(_schema, name) {
      return !opts.readOnlyFunctions?.includes(name);
    },
  };
}
