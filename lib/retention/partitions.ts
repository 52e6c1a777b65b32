import { sql } from "drizzle-orm";
import pg from "pg";
import type { DbOrTx } from "@/lib/db/create-db";

/** The two tables partitioned by time (migration 0008), and the column each is partitioned on. */
export const PARTITIONED_TABLES = {
  statements: { table: "statements", column: "received_at" },
  auditEvents: { table: "audit_events", column: "occurred_at" },
} as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[keyof typeof PARTITIONED_TABLES];

/** One partition and its range; `from`/`to` null for MINVALUE/MAXVALUE; the DEFAULT partition has neither. */
export type PartitionInfo = { name: string; isDefault: boolean; from: Date | null; to: Date | null };

const DAY_MS = 86_400_000;

/** `statements_p20261207`: the partition for that UTC day. */
export function dayPartitionName(table: string, day: Date): string {
  return `${table}_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** Midnight UTC of the day `at` falls in. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(day: Date, n: number): Date {
  return new Date(day.getTime() + n * DAY_MS);
}

/**
 * The partitions of `table`, from the catalog, oldest first (DEFAULT last). Bounds are read with
 * pg_get_expr, which prints timestamps in the session's time zone: the caller sets it to UTC
 * (`set local timezone`) and the offset is parsed anyway.
 */
export async function listPartitions(tx: DbOrTx, table: string): Promise<PartitionInfo[]> {
  const { rows } = await tx.execute<{ name: string; bound: string }>(sql`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass`);
  const parts = rows.map((r) => parseBound(r.name, r.bound));
  return parts.sort((a, b) => (a.isDefault ? 1 : 0) - (b.isDefault ? 1 : 0) || (a.from?.getTime() ?? -Infinity) - (b.from?.getTime() ?? -Infinity));
}

/** `FOR VALUES FROM ('2026-12-07 00:00:00+00') TO ('2026-12-08 00:00:00+00')`, or `DEFAULT`. */
export function parseBound(name: string, bound: string): PartitionInfo {
  if (bound.trim() === "DEFAULT") return { name, isDefault: true, from: null, to: null };
  const m = /FROM \((.+?)\) TO \((.+?)\)/.exec(bound);
  if (!m) throw new Error(`unexpected partition bound for ${name}: ${bound}`);
  const value = (v: string) => (v === "MINVALUE" || v === "MAXVALUE" ? null : new Date(v.replace(/^'|'$/g, "").replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")));
  return { name, isDefault: false, from: value(m[1]), to: value(m[2]) };
}

/**
 * Creates the daily partitions of `days` that `table` lacks. Rows of such a day that landed in the
 * DEFAULT partition (no partition existed for it) are moved into the new one in the same
 * transaction: PostgreSQL refuses to create a partition whose range the DEFAULT partition still holds
 * rows for. A day overlapping an existing partition is skipped. Returns the partitions created, with
 * how many rows each took from DEFAULT.
 */
export async function ensureDayPartitions(tx: DbOrTx, target: PartitionedTable, days: Date[]): Promise<{ name: string; movedRows: number }[]> {
  const existing = await listPartitions(tx, target.table);
  const ranges = existing.filter((p) => !p.isDefault);
  const defaultPartition = existing.find((p) => p.isDefault);
  const created: { name: string; movedRows: number }[] = [];
  const wanted = [...new Set(days.map((d) => startOfUtcDay(d).getTime()))].sort((a, b) => a - b).map((t) => new Date(t));
  const q = pg.escapeIdentifier;
  for (const from of wanted) {
    const to = addDays(from, 1);
    const overlaps = ranges.some((p) => (p.from === null || p.from < to) && (p.to === null || p.to > from));
    if (overlaps) continue;
    const name = dayPartitionName(target.table, from);
    let movedRows = 0;
    const range = `${q(target.column)} >= ${pg.escapeLiteral(from.toISOString())} and ${q(target.column)} < ${pg.escapeLiteral(to.toISOString())}`;
    if (defaultPartition) {
      // Park the day's rows in a temporary table, create the partition, put them back through the parent.
      const moving = `retention_moving_${name}`;
      await tx.execute(sql.raw(`create temp table ${q(moving)} (like ${q(target.table)}) on commit drop`));
      const moved = await tx.execute(sql.raw(`with d as (delete from ${q(defaultPartition.name)} where ${range} returning *) insert into ${q(moving)} select * from d`));
      movedRows = moved.rowCount ?? 0;
      await createPartition(tx, target.table, name, from, to);
      if (movedRows > 0) await tx.execute(sql.raw(`insert into ${q(target.table)} select * from ${q(moving)}`));
      await tx.execute(sql.raw(`drop table ${q(moving)}`));
    } else {
      await createPartition(tx, target.table, name, from, to);
    }
    ranges.push({ name, isDefault: false, from, to });
    created.push({ name, movedRows });
  }
  return created;
}

async function createPartition(tx: DbOrTx, table: string, name: string, from: Date, to: Date) {
  const q = pg.escapeIdentifier;
  await tx.execute(sql.raw(`create table ${q(name)} partition of ${q(table)} for values from (${pg.escapeLiteral(from.toISOString())}) to (${pg.escapeLiteral(to.toISOString())})`));
}

/** The UTC days that have rows in `table`'s DEFAULT partition (they get partitions of their own). */
export async function daysInDefaultPartition(tx: DbOrTx, target: PartitionedTable): Promise<Date[]> {
  const parts = await listPartitions(tx, target.table);
  const def = parts.find((p) => p.isDefault);
  if (!def) return [];
  const q = pg.escapeIdentifier;
  const { rows } = await tx.execute<{ day: Date | string }>(sql.raw(`select distinct date_trunc('day', ${q(target.column)}, 'UTC') as day from ${q(def.name)}`));
  return rows.map((r) => new Date(r.day));
}
