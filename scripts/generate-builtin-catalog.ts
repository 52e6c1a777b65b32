import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { FUNCTION_VOLATILITY_SQL } from "@/lib/policy/builtin-catalog";

/**
 * Regenerates lib/policy/builtin-catalog.json from the PostgreSQL that embedded-postgres ships:
 * which pg_catalog functions never write (every overload immutable or stable), which do or may,
 * and the built-in operators and types. The early start of reads (read-safety) trusts this list
 * for built-ins and asks each target's own catalog about everything else.
 *
 *   npx tsx scripts/generate-builtin-catalog.ts
 */

const OUT = path.join(import.meta.dirname, "..", "lib", "policy", "builtin-catalog.json");

/** pg_catalog functions by name: never writing when every overload is (FUNCTION_VOLATILITY_SQL). */
const FUNCTIONS = `
  with volatility as (
    select p.proname,
      ${FUNCTION_VOLATILITY_SQL} as v
    from pg_catalog.pg_proc p
    where p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
  )
  select proname, bool_and(v in ('i', 's')) as never_writes
  from volatility group by proname order by proname collate "C"`;

const OPERATORS = `
  select o.oprname
  from pg_catalog.pg_operator o join pg_catalog.pg_proc f on f.oid = o.oprcode
  where o.oprnamespace = 'pg_catalog'::pg_catalog.regnamespace
  group by o.oprname having bool_and(f.provolatile in ('i', 's'))
  order by o.oprname collate "C"`;

/** Types whose input function never writes: a cast to one runs only that. */
const TYPES = `
  select t.typname
  from pg_catalog.pg_type t join pg_catalog.pg_proc f on f.oid = t.typinput
  where t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace and f.provolatile in ('i', 's')
  order by t.typname collate "C"`;

/**
 * Built-ins marked stable that still change something: they assign the transaction an id (a write
 * to the commit log, and a transaction that now needs its commit). Listed as may-write.
 */
const STABLE_BUT_WRITING = new Set(["txid_current", "pg_current_xact_id"]);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-builtins-"));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  const client = new pg.Client({ connectionString: server.urlFor("postgres") });
  try {
    await client.connect();
    const version = (await client.query<{ server_version: string }>("show server_version")).rows[0].server_version;
    const functions = (await client.query<{ proname: string; never_writes: boolean }>(FUNCTIONS)).rows;
    const operators = (await client.query<{ oprname: string }>(OPERATORS)).rows.map((r) => r.oprname);
    const types = (await client.query<{ typname: string }>(TYPES)).rows.map((r) => r.typname);
    const catalog = {
      generatedBy: "scripts/generate-builtin-catalog.ts",
      postgresVersion: version,
      functions: {
        neverWrite: functions.filter((f) => f.never_writes && !STABLE_BUT_WRITING.has(f.proname)).map((f) => f.proname),
        mayWrite: functions.filter((f) => !f.never_writes || STABLE_BUT_WRITING.has(f.proname)).map((f) => f.proname),
      },
      operators,
      types,
    };
    fs.writeFileSync(OUT, `${JSON.stringify(catalog, null, 1)}\n`);
    console.log(`wrote ${OUT}: PostgreSQL ${version}, ${catalog.functions.neverWrite.length} + ${catalog.functions.mayWrite.length} functions, ${operators.length} operators, ${types.length} types`);
  } finally {
    await client.end().catch(() => {});
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
