import { asc, gt } from "drizzle-orm";
import { auditEvents, unchainedAuditEvents } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { GENESIS_HASH, hashEvent } from "./hash-chain";

export type ChainProblem = { seq: number; problem: "gap" | "broken_link" | "altered" ; detail: string };
/** `waiting`: gateway events not chained yet (the chainer appends them shortly); they are not part of the check. */
export type ChainReport = { isIntact: boolean; checked: number; lastSeq: number; lastHash: string; problems: ChainProblem[]; waiting: number };

/**
 * Walks the whole audit trail in sequence order and checks that sequence numbers have no gaps, that
 * each event names the previous event's hash, and that each hash still matches its event. Any edit,
 * deletion or insertion in the middle shows up as a problem at the first event it touches.
 */
export async function verifyAuditChain(db: DbOrTx, opts: { pageSize?: number; maxProblems?: number } = {}): Promise<ChainReport> {
  const pageSize = opts.pageSize ?? 5000;
  const maxProblems = opts.maxProblems ?? 20;
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after = 0;
  const waiting = await db.$count(unchainedAuditEvents);
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    if (page.length === 0) break;
    for (const e of page) {
      if (e.seq !== expectedSeq) problems.push({ seq: e.seq, problem: "gap", detail: `expected sequence number ${expectedSeq}, found ${e.seq}` });
      if (e.prevHash !== prevHash) problems.push({ seq: e.seq, problem: "broken_link", detail: "does not name the previous event's hash" });
      const { hash, prevHash: storedPrev, occurredAt, ...fields } = e;
      const recomputed = hashEvent(storedPrev, { ...fields, occurredAt: occurredAt.toISOString() });
      if (recomputed !== hash) problems.push({ seq: e.seq, problem: "altered", detail: "its content no longer matches its hash" });
      prevHash = hash;
      expectedSeq = e.seq + 1;
      checked += 1;
      if (problems.length >= maxProblems) return { isIntact: false, checked, lastSeq: e.seq, lastHash: hash, problems, waiting };
    }
    after = page[page.length - 1].seq;
  }
  return { isIntact: problems.length === 0, checked, lastSeq: expectedSeq - 1, lastHash: prevHash, problems, waiting };
}
