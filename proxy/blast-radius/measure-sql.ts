import { diffCounters, tableChange, type BlastRadiusReport, type TableCounters } from "@/lib/policy/blast-radius";

/**
 * The gateway's own queries that measure a guarded write, run in the client's backend inside the
 * guard's savepoint. Tuple counters come from pg_stat_xact_user_tables: this backend's transaction,
 * every nesting level, and every write the statement caused, whether written in its text, in a
 * function it called, a DO block, a data-modifying CTE or a trigger. TRUNCATE, DROP and ALTER
 * TABLE do not count tuples: they show as relations this backend newly holds an ACCESS EXCLUSIVE
 * lock on. Both snapshots are taken because the counters already include the transaction's earlier
 * statements (a client's open transaction, an earlier attempt rolled back to the savepoint).
 */

/** The savepoint the guard brackets a statement with. */
export const GUARD_SAVEPOINT = "__warden_guard";

/**
 * A snapshot: tables with counters, relations under ACCESS EXCLUSIVE lock, and the highest
 * relation OID: a relation with a higher one was created after it (CREATE TABLE locks its new
 * table exclusively; that is not a TRUNCATE). OIDs only grow until they wrap around, and after a
 * wrap a new relation merely looks old, which holds it: the error is on the safe side.
 */
export type CounterSnapshot = { counters: TableCounters[]; locks: number[]; maxRelationOid: number };

/** Rows: kind ('c' counters, 'l' lock), relid, inserted, updated, deleted. */
export const SNAPSHOT_SQL = `SELECT 'c', relid::int8, n_tup_ins, n_tup_upd, n_tup_del FROM pg_catalog.pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
UNION ALL
SELECT 'l', relation::int8, 0, 0, 0 FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'relation' AND mode = 'AccessExclusiveLock' AND granted AND relation IS NOT NULL
UNION ALL
SELECT 'm', max(oid)::int8, 0, 0, 0 FROM pg_catalog.pg_class`;

/** Tables up to this size are counted exactly (count(*) in the same transaction); larger ones use the planner's estimate. */
const EXACT_COUNT_BYTES = 64 * 1024 * 1024;

/**
 * What changed since `before`, with each changed table's name and its rows now (exact when the
 * session may read the table and it is small; else reltuples, and no estimate counts as 0 rows,
 * so any change holds: fail closed). New exclusive locks on tables (not temporary ones) or on
 * relations that no longer exist. Rows: kind, relid, ins, upd, del, relation, rows now.
 */
export function measureSql(before: CounterSnapshot): string {
  const rows = before.counters.map((c) => `(${int(c.relid)}::oid, ${int(c.inserted)}::int8, ${int(c.updated)}::int8, ${int(c.deleted)}::int8)`);
  const was = rows.length ? `VALUES ${rows.join(", ")}` : "SELECT NULL::oid, 0::int8, 0::int8, 0::int8 WHERE false";
  const locked = `'{${before.locks.map(int).join(",")}}'::oid[]`;
  return `WITH b(relid, ins, upd, del) AS (${was}),
s AS (SELECT x.relid, x.n_tup_ins - coalesce(b.ins, 0) AS ins, x.n_tup_upd - coalesce(b.upd, 0) AS upd, x.n_tup_del - coalesce(b.del, 0) AS del
      FROM pg_catalog.pg_stat_xact_user_tables x LEFT JOIN b ON b.relid = x.relid)
SELECT 'c', s.relid::int8, s.ins, s.upd, s.del, n.nspname || '.' || c.relname,
  CASE WHEN pg_catalog.has_table_privilege(c.oid, 'SELECT') AND pg_catalog.pg_relation_size(c.oid) <= ${EXACT_COUNT_BYTES}
    THEN (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(pg_catalog.format('SELECT count(*) AS n FROM ONLY %s', c.oid::regclass), false, true, '')))[1]::text::int8
    ELSE greatest(c.reltuples, 0)::int8 END
FROM s JOIN pg_catalog.pg_class c ON c.oid = s.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE s.ins > 0 OR s.upd > 0 OR s.del > 0
UNION ALL
SELECT 'l', l.relation::int8, 0, 0, 0, coalesce(n.nspname || '.' || c.relname, 'relation ' || l.relation::text || ' (dropped)'), 0
FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted AND l.relation IS NOT NULL
  AND l.relation <> ALL (${locked}) AND l.relation::int8 <= ${int(before.maxRelationOid)}
  AND (c.oid IS NULL OR (c.relkind IN ('r', 'p', 'f') AND c.relpersistence <> 't'))`;
}

export function parseSnapshot(rows: (string | null)[][]): CounterSnapshot {
  const snap: CounterSnapshot = { counters: [], locks: [], maxRelationOid: 0 };
  for (const [kind, relid, ins, upd, del] of rows) {
    if (kind === "m") snap.maxRelationOid = Number(relid);
    else if (kind === "l") snap.locks.push(Number(relid));
    else snap.counters.push({ relid: Number(relid), inserted: Number(ins), updated: Number(upd), deleted: Number(del) });
  }
  return snap;
}

/** The report from measureSql's rows (counters there are already differences). */
export function parseMeasurement(rows: (string | null)[][]): BlastRadiusReport {
  const report: BlastRadiusReport = { tables: [], exclusiveLocks: [] };
  for (const [kind, relid, ins, upd, del, relation, rowsNow] of rows) {
    if (kind === "l") {
      if (!report.exclusiveLocks.includes(relation!)) report.exclusiveLocks.push(relation!);
      continue;
    }
    const [d] = diffCounters([], [{ relid: Number(relid), inserted: Number(ins), updated: Number(upd), deleted: Number(del) }]);
    if (d) report.tables.push(tableChange(relation!, d, Number(rowsNow)));
  }
  report.tables.sort((a, b) => a.relation.localeCompare(b.relation));
  report.exclusiveLocks.sort();
  return report;
}

/** Only numbers the server gave us go into the SQL; anything else would be a bug, refused. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

/**
 * COPY FROM STDIN is not bracketed (the server waits for the client's data), and it only inserts;
 * but a trigger or rule on its table could write elsewhere. Rows: one count of the user triggers and
 * rules on the named tables (as the session's search_path resolves them, as the COPY will; a table
 * that does not exist has none, and the COPY fails by itself).
 */
export function copyTriggersSql(relations: { schema: string | null; name: string }[]): string {
  const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const names = relations.map((r) => literal(r.schema ? `${ident(r.schema)}.${ident(r.name)}` : ident(r.name)));
  return `SELECT count(*) FROM (SELECT pg_catalog.to_regclass(n) AS rel FROM unnest(ARRAY[${names.join(", ")}]::text[]) n) r
WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = r.rel AND NOT t.tgisinternal)
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite w WHERE w.ev_class = r.rel AND w.rulename <> '_RETURN')`;
}
