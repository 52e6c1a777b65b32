import { desc, eq } from "drizzle-orm";
import { policyVersions } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { isConnectionError } from "../recording/group-commit";

export type ActivePolicy = { version: number; document: PolicyDocument };

/** The stored policy no longer validates: callers fail closed, and no older version stands in for it. */
export class InvalidPolicy extends Error {
  override name = "InvalidPolicy";
}

/** The store cannot be read and no policy of the connection was ever loaded: try again later (57P03). */
export class PolicyStoreUnreachable extends Error {
  override name = "PolicyStoreUnreachable";
}

type Entry = { at: number; value: Promise<ActivePolicy>; loaded?: ActivePolicy; isRefreshing?: boolean };

/** How soon a policy kept through a store outage is read again. */
const DEFAULT_RETRY_MS = 5_000;

/**
 * Each connection's policy in force (its newest version), cached per worker and dropped when the
 * console saves a new version (NOTIFY warden_policy_changed) or after `maxAgeMs` as a safety net.
 * An entry past its age is still answered at once while a fresh read runs (the change notice is what
 * makes a new version take effect; the age only catches a missed notice).
 *
 * The store being unreachable does not change what is allowed: the last policy loaded for the
 * connection stays in force (stale-while-error; `onStale` listeners hear of it, every `retryMs` while
 * it lasts), and without one the read fails with PolicyStoreUnreachable. A stored document that no
 * longer validates is an InvalidPolicy error, never replaced by an older one: callers fail closed.
 */
export class PolicyCache {
  private readonly entries = new Map<string, Entry>();
  /** The last policy read for each connection, kept through invalidations: what an outage falls back on. */
  private readonly lastKnown = new Map<string, ActivePolicy>();
  private readonly listeners = new Set<(connectionId: string) => void>();
  private readonly staleListeners = new Set<(connectionId: string, kept: ActivePolicy, err: Error) => void>();

  constructor(
    private readonly db: Db,
    listener?: StoreListener,
    private readonly maxAgeMs = 60_000,
    private readonly retryMs = DEFAULT_RETRY_MS,
  ) {
    listener?.on(STORE_CHANNELS.policyChanged, (connectionId) => this.invalidate(connectionId));
    listener?.onReconnect(() => this.invalidate());
  }

  get(connectionId: string): Promise<ActivePolicy> {
    const hit = this.entries.get(connectionId);
    if (!hit) return this.startLoad(connectionId);
    if (hit.loaded && Date.now() - hit.at >= this.maxAgeMs) this.refresh(connectionId, hit);
    return hit.value;
  }

  /** The policy in force when it is loaded and fresh, without waiting: lets the hot path decide synchronously. */
  peek(connectionId: string): ActivePolicy | undefined {
    const hit = this.entries.get(connectionId);
    return hit && Date.now() - hit.at < this.maxAgeMs ? hit.loaded : undefined;
  }

  /** Drops one connection's cached policy, or all of them. */
  invalidate(connectionId?: string) {
    if (connectionId) this.entries.delete(connectionId);
    else this.entries.clear();
    for (const l of this.listeners) l(connectionId ?? "*");
  }

  /** Lets dependants (the masking catalog cache) refresh when a policy changes. */
  onInvalidate(listener: (connectionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told when a connection's last policy stays in force because the store cannot be read. */
  onStale(listener: (connectionId: string, kept: ActivePolicy, err: Error) => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  private startLoad(connectionId: string): Promise<ActivePolicy> {
    const entry = { at: Date.now() } as Entry;
    entry.value = this.load(connectionId).then(
      (loaded) => {
        entry.loaded = loaded;
        if (this.entries.get(connectionId) === entry) this.lastKnown.set(connectionId, loaded);
        return loaded;
      },
      (err: Error) => {
        const kept = isStoreOutage(err) ? this.lastKnown.get(connectionId) : undefined;
        if (kept && this.entries.get(connectionId) === entry) {
          this.keepThroughOutage(connectionId, entry, kept, err);
          return kept;
        }
        if (this.entries.get(connectionId) === entry) this.entries.delete(connectionId);
        throw isStoreOutage(err) ? new PolicyStoreUnreachable(`the store cannot be read: ${err.message}`, { cause: err }) : err;
      },
    );
    this.entries.set(connectionId, entry);
    return entry.value;
  }

  /** Reads an aged entry again in the background; the entry answers meanwhile. */
  private refresh(connectionId: string, entry: Entry) {
    if (entry.isRefreshing) return;
    entry.isRefreshing = true;
    this.load(connectionId)
      .then(
        (loaded) => {
          if (this.entries.get(connectionId) !== entry) return;
          entry.loaded = loaded;
          entry.value = Promise.resolve(loaded);
          entry.at = Date.now();
          this.lastKnown.set(connectionId, loaded);
        },
        (err: Error) => {
          if (this.entries.get(connectionId) !== entry) return;
          // A document that no longer validates is not kept: the next read fails closed.
          if (!isStoreOutage(err)) this.entries.delete(connectionId);
          else this.keepThroughOutage(connectionId, entry, entry.loaded!, err);
        },
      )
      .finally(() => (entry.isRefreshing = false));
  }

  private keepThroughOutage(connectionId: string, entry: Entry, kept: ActivePolicy, err: Error) {
    entry.loaded = kept;
    entry.value = Promise.resolve(kept);
    // Fresh again for `retryMs`: statements are judged at once, and the store is tried again then.
    entry.at = Date.now() - this.maxAgeMs + Math.min(this.retryMs, this.maxAgeMs);
    for (const l of this.staleListeners) l(connectionId, kept, err);
  }

  private async load(connectionId: string): Promise<ActivePolicy> {
    const [row] = await this.db
      .select({ version: policyVersions.version, document: policyVersions.document })
      .from(policyVersions)
      .where(eq(policyVersions.connectionId, connectionId))
      .orderBy(desc(policyVersions.version))
      .limit(1);
    // A connection created before policies existed has no version yet: it gets the default.
    if (!row) return { version: 0, document: defaultPolicy() };
    const parsed = policyDocumentSchema.safeParse(row.document);
    if (!parsed.success) throw new InvalidPolicy(`Policy version ${row.version} of connection ${connectionId} is not valid: ${parsed.error.issues[0]?.message}`);
    return { version: row.version, document: parsed.data };
  }
}

/** The store did not answer (no connection, a restart, a timeout), as opposed to a bad document or query. */
function isStoreOutage(err: unknown): boolean {
  return !(err instanceof InvalidPolicy) && isConnectionError(err);
}
