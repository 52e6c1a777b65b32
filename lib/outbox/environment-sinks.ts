import { randomUUID } from "node:crypto";
import { and, eq, like, sql } from "drizzle-orm";
import { eventSinks, type EventSink } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db, DbOrTx } from "@/lib/db/create-db";
import { splitEventTypes, type WardenConfig } from "@/lib/shared/config";
import { decryptSinkSecret, encryptSinkSecret } from "./sink-secret";

/** The names environment sinks get: one of each kind at most. */
export const ENVIRONMENT_SINK_NAMES = { webhook: "env-webhook", file: "env-file", stdout: "env-stdout" } as const;

/** Who the audit trail names for changes the environment made. */
export const ENVIRONMENT_ACTOR = "system:environment";

type SinkConfig = Pick<WardenConfig, "WARDEN_SINK_WEBHOOK_URL" | "WARDEN_SINK_WEBHOOK_SECRET" | "WARDEN_SINK_FILE" | "WARDEN_SINK_FILE_MAX_BYTES" | "WARDEN_SINK_FILE_MAX_FILES" | "WARDEN_SINK_STDOUT" | "WARDEN_SINK_EVENT_TYPES">;

/** A sink the environment declares: its settings, and its plain secret (webhook). */
type DeclaredSink = Pick<EventSink, "name" | "kind" | "url" | "filePath" | "maxFileBytes" | "maxFiles" | "eventTypes"> & { secret: string | null };

export type EnvironmentSyncResult = { created: string[]; updated: string[]; disabled: string[]; unchanged: string[] };

/** The sinks WARDEN_SINK_* declare (the config has validated them: parseConfig refuses a bad one with a sentence). */
export function declaredEnvironmentSinks(c: SinkConfig): DeclaredSink[] {
  const eventTypes = splitEventTypes(c.WARDEN_SINK_EVENT_TYPES);
  const base = { url: null, filePath: null, maxFileBytes: null, maxFiles: null, eventTypes, secret: null };
  const sinks: DeclaredSink[] = [];
  if (c.WARDEN_SINK_WEBHOOK_URL) sinks.push({ ...base, name: ENVIRONMENT_SINK_NAMES.webhook, kind: "webhook", url: c.WARDEN_SINK_WEBHOOK_URL, secret: c.WARDEN_SINK_WEBHOOK_SECRET ?? null });
  if (c.WARDEN_SINK_FILE) sinks.push({ ...base, name: ENVIRONMENT_SINK_NAMES.file, kind: "file", filePath: c.WARDEN_SINK_FILE, maxFileBytes: c.WARDEN_SINK_FILE_MAX_BYTES, maxFiles: c.WARDEN_SINK_FILE_MAX_FILES });
  if (c.WARDEN_SINK_STDOUT) sinks.push({ ...base, name: ENVIRONMENT_SINK_NAMES.stdout, kind: "stdout" });
  return sinks;
}

/**
 * Makes the store's environment sinks match WARDEN_SINK_*, at start: creates the ones newly set
 * (starting at the oldest event kept, so the SIEM gets the whole trail), updates changed settings
 * (the cursor stays: nothing is sent twice or skipped), and disables the ones no longer set (kept,
 * with their cursor, so setting the variable again resumes where they stopped). Each change is
 * audited by `system:environment`. Serialised by a transaction lock so two processes starting
 * together do not both create `env-webhook`.
 */
export async function syncEnvironmentSinks(db: Db, config: SinkConfig, secretKey: Buffer): Promise<EnvironmentSyncResult> {
  const declared = declaredEnvironmentSinks(config);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7341004)`);
    const result: EnvironmentSyncResult = { created: [], updated: [], disabled: [], unchanged: [] };
    const existing = await tx.select().from(eventSinks).where(and(eq(eventSinks.source, "environment"), like(eventSinks.name, "env-%")));
    for (const want of declared) {
      const row = existing.find((r) => r.name === want.name);
      if (!row) {
        await createEnvironmentSink(tx, want, secretKey);
        result.created.push(want.name);
      } else if (await updateEnvironmentSink(tx, row, want, secretKey)) result.updated.push(want.name);
      else result.unchanged.push(want.name);
    }
    for (const row of existing) {
      if (declared.some((d) => d.name === row.name) || !row.isEnabled) continue;
      await tx.update(eventSinks).set({ isEnabled: false, updatedAt: sql`now()` }).where(eq(eventSinks.id, row.id));
      await audit(tx, "event_sink.disable", row, { isEnabled: true }, { isEnabled: false }, "its WARDEN_SINK_* variable is no longer set");
      result.disabled.push(row.name);
    }
    return result;
  });
}

async function createEnvironmentSink(tx: DbOrTx, want: DeclaredSink, secretKey: Buffer) {
  const id = randomUUID();
  const { secret, ...settings } = want;
  const [row] = await tx
    .insert(eventSinks)
    .values({ ...settings, id, source: "environment", secretCiphertext: secret ? encryptSinkSecret(secretKey, secret, id) : null, createdBy: ENVIRONMENT_ACTOR })
    .returning();
  await audit(tx, "event_sink.create", row, null, describe(row, Boolean(secret)), "declared by WARDEN_SINK_* at start");
}

/** Returns whether anything changed. A secret is compared in plain text (its ciphertext differs every time). */
async function updateEnvironmentSink(tx: DbOrTx, row: EventSink, want: DeclaredSink, secretKey: Buffer): Promise<boolean> {
  const isSecretSame = want.secret === null ? row.secretCiphertext === null : row.secretCiphertext !== null && safeDecrypt(secretKey, row) === want.secret;
  const isSame =
    row.isEnabled &&
    row.kind === want.kind &&
    row.url === want.url &&
    row.filePath === want.filePath &&
    row.maxFileBytes === want.maxFileBytes &&
    row.maxFiles === want.maxFiles &&
    row.eventTypes.join(",") === want.eventTypes.join(",") &&
    isSecretSame;
  if (isSame) return false;
  const { secret, ...settings } = want;
  const [after] = await tx
    .update(eventSinks)
    .set({ ...settings, isEnabled: true, secretCiphertext: secret ? encryptSinkSecret(secretKey, secret, row.id) : null, updatedAt: sql`now()` })
    .where(eq(eventSinks.id, row.id))
    .returning();
  await audit(tx, "event_sink.update", after, describe(row, row.secretCiphertext !== null), { ...describe(after, Boolean(secret)), secretChanged: !isSecretSame }, "WARDEN_SINK_* changed");
  return true;
}

function safeDecrypt(secretKey: Buffer, row: EventSink): string | null {
  try {
    return decryptSinkSecret(secretKey, row.secretCiphertext!, row.id);
  } catch {
    return null;
  }
}

/** What the audit trail keeps of a sink: its settings, never its secret. */
function describe(row: EventSink, hasSecret: boolean) {
  return { kind: row.kind, isEnabled: row.isEnabled, url: row.url, hasSecret, filePath: row.filePath, maxFileBytes: row.maxFileBytes, maxFiles: row.maxFiles, eventTypes: row.eventTypes };
}

async function audit(tx: DbOrTx, action: string, row: EventSink, before: unknown, after: unknown, reason: string) {
  await appendAuditEvent(tx, { actor: ENVIRONMENT_ACTOR, action, targetType: "event_sink", targetId: row.id, targetName: row.name, before, after, details: { source: "environment", reason } });
}
