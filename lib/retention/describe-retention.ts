import type { RetentionResult } from "./run-retention";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A retention pass in sentences, for `warden retention` and the console's log. */
export function describeRetention(r: RetentionResult): string[] {
  if (r.isBusy) return ["Another retention run holds the lock (the console's hourly job, or another `warden retention`): nothing done."];
  const would = r.isDryRun ? "would " : "";
  const lines = [`Retention ${r.isDryRun ? "dry run" : "run"}: keeping ${plural(r.retentionDays, "day")}, cutoff ${r.cutoff}.`];
  for (const c of r.created) lines.push(`  ${would ? "would create" : "created"} partition ${c.name}${c.movedRows > 0 ? ` (moving ${plural(c.movedRows, "row")} out of DEFAULT)` : ""}`);
  for (const p of r.statements.dropped) lines.push(`  ${would ? "would drop" : "dropped"} ${p.name}: ${plural(p.rows, "statement")}`);
  for (const p of r.auditEvents.dropped) lines.push(`  ${would ? "would drop" : "dropped"} ${p.name}: ${plural(p.rows, "audit event")}`);
  if (r.auditEvents.seqRuns.length > 0) {
    const runs = r.auditEvents.seqRuns.map((g) => (g.fromSeq === g.toSeq ? `#${g.fromSeq}` : `#${g.fromSeq}-#${g.toSeq}`)).join(", ");
    lines.push(`  audit events ${runs} ${would ? "would be" : "are"} covered by ${r.isDryRun || r.auditEvents.checkpointId === null ? "a new signed checkpoint" : `signed checkpoint #${r.auditEvents.checkpointId}`}`);
  }
  if (r.sessionsDeleted > 0) lines.push(`  ${would ? "would delete" : "deleted"} ${plural(r.sessionsDeleted, "ended session")} with no statements left`);
  for (const h of r.heldBack) lines.push(`  held back ${h.partition}: ${h.reason}`);
  if (r.auditSeq !== null) lines.push(`  ${r.isDryRun ? "would be recorded" : "recorded"} as audit event #${r.auditSeq} (retention.drop)`);
  if (lines.length === 1) lines.push("  nothing to do.");
  return lines;
}
