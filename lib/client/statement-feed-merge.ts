import type { StatementSummaryDto } from "@/lib/shared/contracts/sessions";

/** Statuses whose record will still change: the gateway writes the outcome when the server answers. */
const UNSETTLED = new Set<StatementSummaryDto["status"]>(["running", "suspended"]);

/**
 * Only the newest statements are re-read for their outcome: a portal left suspended early in a long
 * session must not make every live poll fetch everything after it again.
 */
export const UNSETTLED_WINDOW = 200;

/**
 * Where the next live poll starts: just before the oldest recent statement still running (so its
 * outcome arrives), or after the newest one loaded.
 */
export function nextFeedCursor(statements: readonly StatementSummaryDto[]): number {
  const from = Math.max(0, statements.length - UNSETTLED_WINDOW);
  for (let i = from; i < statements.length; i++) {
    if (UNSETTLED.has(statements[i].status)) return statements[i].seq - 1;
  }
  return statements.at(-1)?.seq ?? 0;
}

/**
 * Merges a page (in sequence order) into the loaded statements: a statement seen before is replaced
 * by its newer record, new ones are appended, and the result stays ordered by `seq`.
 */
export function mergeStatements(existing: readonly StatementSummaryDto[], incoming: readonly StatementSummaryDto[]): StatementSummaryDto[] {
  if (incoming.length === 0) return existing as StatementSummaryDto[];
  const firstSeq = incoming[0].seq;
  // Binary search: the first loaded statement that the page may replace.
  let lo = 0;
  let hi = existing.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (existing[mid].seq < firstSeq) lo = mid + 1;
    else hi = mid;
  }
  const bySeq = new Map<number, StatementSummaryDto>();
  for (let i = lo; i < existing.length; i++) bySeq.set(existing[i].seq, existing[i]);
  for (const s of incoming) bySeq.set(s.seq, s);
  const tail = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return [...existing.slice(0, lo), ...tail];
}
