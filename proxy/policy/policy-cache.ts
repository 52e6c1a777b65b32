import { desc, eq } from "drizzle-orm";
import { policyVersions } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";

export type ActivePolicy = { version: number; document: PolicyDocument };

/**
 * Each connection's policy in force (its newest version), cached per worker and dropped when the
 * console saves a new version (NOTIFY warden_policy_changed) or after `maxAgeMs` as a safety net.
 * A stored document that no longer validates is an error, not a silent default: callers fail closed.
 */
export class PolicyCache {
  private readonly entries = new Map<string, { at: number; value: Promise<ActivePolicy>; loaded?: ActivePolicy }>();
  private readonly listeners = new Set<(connectionId: string) => void>();

  constructor(
    private readonly db: Db,
    listener?: StoreListener,
    private readonly maxAgeMs = 60_000,
  ) {
    listener?.on(STORE_CHANNELS.policyChanged, (connectionId) => this.invalidate(connectionId));
    listener?.onReconnect(() => this.invalidate());
  }

  get(connectionId: string): Promise<ActivePolicy> {
    const hit = this.entries.get(connectionId);
    if (hit && Date.now() - hit.at < this.maxAgeMs) return hit.value;
    const value = this.load(connectionId);
    const entry: { at: number; value: Promise<ActivePolicy>; loaded?: ActivePolicy } = { at: Date.now(), value };
    this.entries.set(connectionId, entry);
    value.then(
      (loaded) => (entry.loaded = loaded),
      () => {
        if (this.entries.get(connectionId) === entry) this.entries.delete(connectionId);
      },
    );
    return value;
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
    if (!parsed.success) throw new Error(`Policy version ${row.version} of connection ${connectionId} is not valid: ${parsed.error.issues[0]?.message}`);
    return { version: row.version, document: parsed.data };
  }
}
