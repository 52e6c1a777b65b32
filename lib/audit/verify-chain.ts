import { asc, desc, gt } from "drizzle-orm";
import { auditCheckpoints, auditEvents, unchainedAuditEvents, type CheckpointGap } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { isCheckpointSignatureValid } from "@/lib/retention/checkpoint-signature";
import { GENESIS_HASH, hashEvent } from "./hash-chain";

export type ChainProblem = { seq: number; problem: "gap" | "broken_link" | "altered" | "checkpoint"; detail: string };

/**
 * Where the check started: at the first event ever (`genesis`), or at the oldest event kept after
 * retention dropped older ones, vouched for by the newest signed checkpoint.
 */
export type ChainAnchor = { kind: "genesis" } | { kind: "checkpoint"; checkpointId: number; createdAt: string; droppedBefore: string; isSignatureValid: boolean };

/** The events the check covered, by sequence number, and when the first and last of them occurred (nulls when the trail is empty). */
export type VerifiedRange = { firstSeq: number | null; lastSeq: number | null; firstOccurredAt: string | null; lastOccurredAt: string | null; anchor: ChainAnchor };

/** `waiting`: gateway events not chained yet (the chainer appends them shortly); they are not part of the check. */
export type ChainReport = { isIntact: boolean; checked: number; lastSeq: number; lastHash: string; problems: ChainProblem[]; waiting: number; range: VerifiedRange };

/**
 * Walks the audit trail in sequence order and checks that sequence numbers have no gaps, that each
 * event names the previous event's hash, and that each hash still matches its event. Any edit,
 * deletion or insertion in the middle shows up as a problem at the first event it touches.
 *
 * After retention dropped old partitions, the walk starts at the newest checkpoint (audit_checkpoints):
 * its signature must verify with `secretKey` (a checkpoint without one, forged, or checked without
 * the key is a problem), and only the runs of sequence numbers it lists may be missing; an event after
 * such a run must link to the hash the checkpoint recorded for the run's last event.
 */
export async function verifyAuditChain(db: DbOrTx, opts: { pageSize?: number; maxProblems?: number; secretKey?: Buffer } = {}): Promise<ChainReport> {
  const pageSize = opts.pageSize ?? 5000;
  const maxProblems = opts.maxProblems ?? 20;
  const problems: ChainProblem[] = [];
  const waiting = await db.$count(unchainedAuditEvents);
  const [checkpoint] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  let gaps: CheckpointGap[] = [];
  let anchor: ChainAnchor = { kind: "genesis" };
  if (checkpoint) {
    const isSignatureValid = opts.secretKey !== undefined && isCheckpointSignatureValid(opts.secretKey, checkpoint, checkpoint.signature);
    anchor = { kind: "checkpoint", checkpointId: checkpoint.id, createdAt: checkpoint.createdAt.toISOString(), droppedBefore: checkpoint.droppedBefore.toISOString(), isSignatureValid };
    if (!isSignatureValid) {
      const why = opts.secretKey === undefined ? "cannot be checked without WARDEN_SECRET_KEY" : "its signature does not verify (forged, altered, or made with another key)";
      problems.push({ seq: checkpoint.firstKeptSeq, problem: "checkpoint", detail: `checkpoint #${checkpoint.id}, where the kept trail starts, ${why}` });
    }
    gaps = checkpoint.gaps;
  }
  // A dropped run's hash bridges to the event after it; `expectedSeq` skips the runs the checkpoint lists.
  const linkAfter = new Map(gaps.map((g) => [g.toSeq + 1, g.linkHash]));
  const skipDropped = (seq: number) => {
    for (const g of gaps) if (g.fromSeq === seq) return g.toSeq + 1;
    return seq;
  };
  let expectedSeq = skipDropped(1);
  let prevHash = linkAfter.get(expectedSeq) ?? GENESIS_HASH;
  let checked = 0;
  let after = 0;
  let lastHash = prevHash;
  const range: VerifiedRange = { firstSeq: null, lastSeq: null, firstOccurredAt: null, lastOccurredAt: null, anchor };
  const report = (lastHash: string): ChainReport => ({ isIntact: problems.length === 0, checked, lastSeq: range.lastSeq ?? 0, lastHash, problems, waiting, range });
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    if (page.length === 0) break;
    for (const e of page) {
      if (e.seq !== expectedSeq) problems.push({ seq: e.seq, problem: "gap", detail: `expected sequence number ${expectedSeq}, found ${e.seq}` });
      if (e.prevHash !== prevHash) problems.push({ seq: e.seq, problem: "broken_link", detail: "does not name the previous event's hash" });
      const { hash, prevHash: storedPrev, occurredAt, ...fields } = e;
      const recomputed = hashEvent(storedPrev, { ...fields, occurredAt: occurredAt.toISOString() });
      if (recomputed !== hash) problems.push({ seq: e.seq, problem: "altered", detail: "its content no longer matches its hash" });
      if (range.firstSeq === null) {
        range.firstSeq = e.seq;
        range.firstOccurredAt = occurredAt.toISOString();
      }
      range.lastSeq = e.seq;
      range.lastOccurredAt = occurredAt.toISOString();
      expectedSeq = skipDropped(e.seq + 1);
      prevHash = expectedSeq === e.seq + 1 ? hash : (linkAfter.get(expectedSeq) ?? hash);
      lastHash = hash;
      checked += 1;
      if (problems.length >= maxProblems) return report(hash);
    }
    after = page[page.length - 1].seq;
  }
  return report(lastHash);
}
