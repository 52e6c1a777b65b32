import type { CheckpointGap } from "@/drizzle/schema";

/**
 * Merges the gaps of the previous checkpoint with the runs of sequence numbers dropped now into
 * maximal runs, ascending. Two runs that touch (one ends at n, the next starts at n + 1) become one,
 * whose link hash is the later run's: the hash of the last dropped event, which the next kept event
 * names as its previous hash.
 */
export function mergeGaps(previous: CheckpointGap[], dropped: CheckpointGap[]): CheckpointGap[] {
  const all = [...previous, ...dropped].sort((a, b) => a.fromSeq - b.fromSeq);
  const out: CheckpointGap[] = [];
  for (const g of all) {
    const last = out[out.length - 1];
    if (last && g.fromSeq <= last.toSeq + 1) {
      if (g.toSeq > last.toSeq) out[out.length - 1] = { fromSeq: last.fromSeq, toSeq: g.toSeq, linkHash: g.linkHash };
    } else out.push({ ...g });
  }
  return out;
}

/** Where a chain with these gaps starts: 1, or just after the run that starts at 1. */
export function firstKeptSeq(gaps: CheckpointGap[]): number {
  return gaps[0]?.fromSeq === 1 ? gaps[0].toSeq + 1 : 1;
}

/** The gap that ends just before `seq`, if any. */
export function gapEndingBefore(gaps: CheckpointGap[], seq: number): CheckpointGap | undefined {
  return gaps.find((g) => g.toSeq === seq - 1);
}
