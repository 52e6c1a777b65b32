import { createHash } from "node:crypto";
import type { AuditEventDto } from "@/lib/shared/contracts/audit";

export const GENESIS_HASH = "0".repeat(64);

/** Every field of an event but its hashes: exactly what the console shows of it (AuditEventDto). */
export type ChainedFields = AuditEventDto;

/**
 * Canonical JSON (sorted keys) so the hash does not depend on key order after a jsonb round trip.
 * Written as loops, not entries/sort/map chains: the chainer runs it for every event a gateway
 * records. A value with toJSON (a Date) is hashed as it is stored, as its JSON text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  // Default sort: UTF-16 code unit order, as before.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** Each event's hash covers the previous hash and every field of the event. */
export function hashEvent(prevHash: string, event: ChainedFields): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(event)).digest("hex");
}
