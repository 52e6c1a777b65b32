import type { VerifiedRange } from "./verify-chain";

/**
 * "events #1201 to #5000 (2026-09-08T… to 2026-12-07T…), from checkpoint #3 (events before
 * 2026-09-08 dropped by retention)": what a check covered, for the CLI and the console.
 */
export function describeVerifiedRange(range: VerifiedRange): string {
  const start =
    range.anchor.kind === "genesis"
      ? "from the first event"
      : `from signed checkpoint #${range.anchor.checkpointId}${range.anchor.isSignatureValid ? "" : " (signature NOT valid)"}, events before ${range.anchor.droppedBefore} dropped by retention`;
  if (range.firstSeq === null) return `no events, ${start}`;
  return `events #${range.firstSeq} to #${range.lastSeq} (${range.firstOccurredAt} to ${range.lastOccurredAt}), ${start}`;
}
