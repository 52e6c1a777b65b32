import type { ClassifiedStatement } from "./classify-statement";
import { matchRule, type PolicyActor } from "./match-rule";
import type { BlastRadiusRule, PolicyDocument } from "./policy-document";

/**
 * Blast radius: what a write did, measured by the server inside the gateway's transaction or
 * savepoint, and whether it passes the policy's limit. Pure: the gateway measures, the console
 * shows the same numbers on the approval request.
 */

/** One table's tuple counters, as pg_stat_xact_user_tables has them for this backend's transaction. */
export type TableCounters = { relid: number; inserted: number; updated: number; deleted: number };

/** What one statement changed in one table. `tableRows`: the rows it had just before the statement; `share`: (updated + deleted) / tableRows. */
export type TableChange = { relation: string; inserted: number; updated: number; deleted: number; tableRows: number; share: number };

/**
 * What a statement did: per table, and the relations it newly took an ACCESS EXCLUSIVE lock on
 * (TRUNCATE, DROP, ALTER TABLE inside a function or DO block, which tuple counters do not show).
 */
export type BlastRadiusReport = { tables: TableChange[]; exclusiveLocks: string[] };

/** Stored on the approval request (approval_requests.blast_radius) and shown to the reviewer. */
export type BlastRadiusRecord = BlastRadiusReport & { limit: { ruleId: string; ruleName: string; maxRowShare: number | null; minRows: number; maxRows: number | null }; reasons: string[] };

/** The first enabled blast-radius rule that matches one of the statements for this actor, or null. */
export function findBlastRadiusRule(policy: PolicyDocument, statements: ClassifiedStatement[], actor: PolicyActor): BlastRadiusRule | null {
  for (const rule of policy.blastRadius) {
    if (!rule.isEnabled) continue;
    for (const s of statements) if (matchRule(rule.match, s, actor)) return rule;
  }
  return null;
}

/** Counter differences: what happened between two snapshots of the same transaction (only tables that changed). */
export function diffCounters(before: TableCounters[], after: TableCounters[]): TableCounters[] {
  const was = new Map(before.map((c) => [c.relid, c]));
  const out: TableCounters[] = [];
  for (const a of after) {
    const b = was.get(a.relid);
    const d = { relid: a.relid, inserted: a.inserted - (b?.inserted ?? 0), updated: a.updated - (b?.updated ?? 0), deleted: a.deleted - (b?.deleted ?? 0) };
    if (d.inserted > 0 || d.updated > 0 || d.deleted > 0) out.push(d);
  }
  return out;
}

/**
 * One table's change, given its row count after the statement (same transaction): the rows it had
 * before are those, less what the statement inserted, plus what it deleted. The share counts rows
 * that existed (updated or deleted), so inserting into a small table is limited by the count only.
 */
export function tableChange(relation: string, d: TableCounters, rowsAfter: number): TableChange {
  const tableRows = Math.max(0, rowsAfter - d.inserted + d.deleted);
  const touched = d.updated + d.deleted;
  const share = touched === 0 ? 0 : tableRows === 0 ? 1 : touched / tableRows;
  return { relation, inserted: d.inserted, updated: d.updated, deleted: d.deleted, tableRows, share };
}

export function rowsChanged(t: Pick<TableChange, "inserted" | "updated" | "deleted">): number {
  return t.inserted + t.updated + t.deleted;
}

/** Why the report passes the rule's limit (empty: it does not). Strictly more than the limit holds. */
export function judgeBlastRadius(report: BlastRadiusReport, rule: Pick<BlastRadiusRule, "maxRowShare" | "maxRows" | "minRows">): string[] {
  const reasons: string[] = [];
  for (const t of report.tables) {
    if (rule.maxRowShare !== null && t.share > rule.maxRowShare && t.updated + t.deleted > rule.minRows) {
      reasons.push(`changes ${t.updated + t.deleted} of ${t.tableRows} rows of ${t.relation} (${percent(t.share)}, over ${percent(rule.maxRowShare)})`);
    }
  }
  // Rows that existed: inserting (a bulk load) destroys nothing, so it counts toward neither limit.
  const total = report.tables.reduce((n, t) => n + t.updated + t.deleted, 0);
  if (rule.maxRows !== null && total > rule.maxRows) reasons.push(`updates or deletes ${total} rows (over ${rule.maxRows})`);
  for (const r of report.exclusiveLocks) reasons.push(`truncates, drops or alters ${r} (an ACCESS EXCLUSIVE lock taken inside the statement)`);
  return reasons;
}

/**
 * An approved re-run may commit only if it did no more than the reviewer saw: the same tables (or
 * fewer), no more rows of each kind in any, and no new exclusive lock. Otherwise it is held again.
 */
export function isWithinReviewed(report: BlastRadiusReport, reviewed: BlastRadiusReport): boolean {
  const seen = new Map(reviewed.tables.map((t) => [t.relation, t]));
  for (const t of report.tables) {
    const r = seen.get(t.relation);
    if (!r || t.inserted > r.inserted || t.updated > r.updated || t.deleted > r.deleted) return false;
  }
  const locks = new Set(reviewed.exclusiveLocks);
  return report.exclusiveLocks.every((l) => locks.has(l));
}

/** One line per table, for notices and records: `public.t: 100 deleted of 100 rows (100%)`. */
export function describeBlastRadius(report: BlastRadiusReport): string {
  const parts = report.tables.map((t) => {
    const what = [t.inserted && `${t.inserted} inserted`, t.updated && `${t.updated} updated`, t.deleted && `${t.deleted} deleted`].filter(Boolean).join(", ");
    return `${t.relation}: ${what} of ${t.tableRows} rows (${percent(t.share)})`;
  });
  for (const r of report.exclusiveLocks) parts.push(`${r}: truncated, dropped or altered`);
  return parts.length ? parts.join("; ") : "no rows changed";
}

function percent(share: number): string {
  const p = share * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}
