import type { NewAuditEvent } from "@/lib/audit/append-event";
import type { FailureReason } from "./sign-in-failure";

/** One refused sign-in, as the digest counts it. */
export type SignInFailure = { addressKey: string; address: string; userName: string; database: string; reason: FailureReason; at: number };

export type DigestOptions = {
  /** Distinct user names (and databases, addresses) listed per event; more are counted (up to 1000), not listed. */
  maxNamesListed: number;
  /** (address, minute) buckets kept at once; failures past that share one bucket per minute. */
  maxBuckets: number;
};

export const DEFAULT_DIGEST: DigestOptions = { maxNamesListed: 20, maxBuckets: 10_000 };

const MINUTE_MS = 60_000;
/** The address key under which failures are counted once maxBuckets addresses have a bucket. */
export const OVERFLOW_KEY = "(other addresses)";

type Bucket = {
  addressKey: string;
  minute: number;
  count: number;
  firstAt: number;
  lastAt: number;
  reasons: Partial<Record<FailureReason, number>>;
  userNames: Set<string>;
  moreUserNames: Set<string>;
  databases: Set<string>;
  moreDatabases: Set<string>;
  addresses: Set<string>;
};

/**
 * Refused sign-ins, summed per client address key and minute, so that a flood of failures writes
 * one audit event per address and minute, not one per failure: the count, how many for each
 * reason, and the user names, databases and addresses tried (capped lists). Pure: the desk calls
 * `drain` when a minute has closed, and `drain(Infinity)` at shutdown.
 */
export class FailureDigest {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: DigestOptions = DEFAULT_DIGEST) {}

  add(f: SignInFailure): void {
    const minute = Math.floor(f.at / MINUTE_MS) * MINUTE_MS;
    let id = `${minute} ${f.addressKey}`;
    let b = this.buckets.get(id);
    if (!b && this.buckets.size >= this.opts.maxBuckets) {
      id = `${minute} ${OVERFLOW_KEY}`;
      b = this.buckets.get(id);
    }
    if (!b) {
      b = {
        addressKey: id.slice(String(minute).length + 1),
        minute,
        count: 0,
        firstAt: f.at,
        lastAt: f.at,
        reasons: {},
        userNames: new Set(),
        moreUserNames: new Set(),
        databases: new Set(),
        moreDatabases: new Set(),
        addresses: new Set(),
      };
      this.buckets.set(id, b);
    }
    b.count++;
    b.firstAt = Math.min(b.firstAt, f.at);
    b.lastAt = Math.max(b.lastAt, f.at);
    b.reasons[f.reason] = (b.reasons[f.reason] ?? 0) + 1;
    noteName(b.userNames, b.moreUserNames, f.userName, this.opts.maxNamesListed);
    noteName(b.databases, b.moreDatabases, f.database, this.opts.maxNamesListed);
    if (b.addresses.size < this.opts.maxNamesListed) b.addresses.add(f.address);
  }

  /** Failures not yet drained. */
  get pending(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.count;
    return n;
  }

  /** The events of every bucket whose minute ended at or before `now`, oldest first; those buckets are forgotten. */
  drain(now: number): NewAuditEvent[] {
    const closed = [...this.buckets.entries()].filter(([, b]) => b.minute + MINUTE_MS <= now).sort(([, a], [, b]) => a.minute - b.minute);
    return closed.map(([id, b]) => {
      this.buckets.delete(id);
      return toEvent(b);
    });
  }

  /** When the oldest bucket's minute ends; null when there is none. */
  nextCloseAt(): number | null {
    let at: number | null = null;
    for (const b of this.buckets.values()) at = at === null ? b.minute + MINUTE_MS : Math.min(at, b.minute + MINUTE_MS);
    return at;
  }
}

/** Names past the listed ones are only counted (distinct, up to MAX_COUNTED), so a flood of names keeps memory bounded. */
const MAX_COUNTED = 1000;
function noteName(listed: Set<string>, more: Set<string>, name: string, maxListed: number) {
  if (listed.has(name)) return;
  if (listed.size < maxListed) listed.add(name);
  else if (more.size < MAX_COUNTED) more.add(name);
}

function toEvent(b: Bucket): NewAuditEvent {
  return {
    actor: "unauthenticated",
    action: "gateway.sign_in.failed",
    targetType: "client_address",
    targetName: b.addressKey,
    details: {
      clientAddress: b.addressKey,
      minute: new Date(b.minute).toISOString(),
      firstAt: new Date(b.firstAt).toISOString(),
      lastAt: new Date(b.lastAt).toISOString(),
      count: b.count,
      reasons: b.reasons,
      userNames: [...b.userNames],
      otherUserNames: b.moreUserNames.size,
      databases: [...b.databases],
      otherDatabases: b.moreDatabases.size,
      addresses: [...b.addresses],
    },
  };
}
