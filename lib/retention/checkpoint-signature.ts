import { createHmac, timingSafeEqual } from "node:crypto";
import type { CheckpointGap } from "@/drizzle/schema";
import { canonicalJson } from "@/lib/audit/hash-chain";
import { deriveKey } from "@/lib/crypto/credentials";

/** What a checkpoint's signature covers: every field but its id and the signature itself. */
export type CheckpointContent = { createdAt: Date; droppedBefore: Date; firstKeptSeq: number; gaps: CheckpointGap[] };

const PURPOSE = "audit-checkpoint";

/** HMAC-SHA256 (key derived from WARDEN_SECRET_KEY for this purpose only) over the canonical JSON of the content. */
export function signCheckpoint(secretKey: Buffer, content: CheckpointContent): string {
  const body = canonicalJson({
    v: 1,
    createdAt: content.createdAt.toISOString(),
    droppedBefore: content.droppedBefore.toISOString(),
    firstKeptSeq: content.firstKeptSeq,
    gaps: content.gaps.map((g) => ({ fromSeq: g.fromSeq, toSeq: g.toSeq, linkHash: g.linkHash })),
  });
  return createHmac("sha256", deriveKey(secretKey, PURPOSE)).update(body).digest("hex");
}

export function isCheckpointSignatureValid(secretKey: Buffer, content: CheckpointContent, signature: string): boolean {
  const expected = Buffer.from(signCheckpoint(secretKey, content), "hex");
  const given = Buffer.from(signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
