import { createHash } from "node:crypto";
import type { AuditEventDto } from "@/lib/shared/contracts/audit";

export const GENESIS_HASH = "0".repeat(64);

/** Every field of an event but its hashes: exactly what the console shows of it (AuditEventDto). */
export type ChainedFields = AuditEventDto;

/** Canonical JSON (sorted keys) so the hash does not depend on key order after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Each event's hash covers the previous hash and every field of the event. */
export function hashEvent(prevHash: string, event: ChainedFields): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(event)).digest("hex");
}
