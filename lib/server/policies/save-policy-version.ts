import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { connections, policyVersions } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { isSameJson } from "@/lib/policy/diff-policy-documents";
import { findMatchAllRules } from "@/lib/policy/match-all-rules";
import { issuesByPath, validatePolicyDocument } from "@/lib/policy/policy-issues";
import type { PolicyVersionDto } from "@/lib/shared/contracts/policies";
import { ServiceError } from "../connections/service-error";
import { toPolicyVersionDto } from "./policy-version-dto";

export type SavePolicyOptions = {
  /** The version the edit started from; a newer one saved meanwhile makes this a 409, not an overwrite. */
  baseVersion?: number;
  /**
   * The admin confirmed that a rule matching every statement (lib/policy/match-all-rules.ts) is meant:
   * without it such a document is refused (422), with the reason keyed by each rule's match.
   */
  confirmMatchAll?: boolean;
  /** The save restores an earlier version's document: the audit event says which, and a no-op restore is refused. */
  restoredFromVersion?: number;
};

/**
 * Saves a policy document as the connection's next version, in one transaction: the validated
 * document, an audit event with both documents, and a NOTIFY so every gateway worker drops its cached
 * copy on commit. The connection's row is locked first, which serialises concurrent saves to it (two
 * admins saving at once get versions N+1 and N+2, never a unique violation) and holds off a delete.
 */
export async function savePolicyVersion(
  db: Db,
  actor: string,
  connectionId: string,
  document: unknown,
  comment: string,
  opts: SavePolicyOptions = {},
): Promise<PolicyVersionDto> {
  const validation = validatePolicyDocument(document);
  if (!validation.isValid) throw new ServiceError("The policy has problems; nothing was saved.", 400, issuesByPath(validation.issues));
  const next = validation.document;
  const matchAll = findMatchAllRules(next);
  if (matchAll.length > 0 && !opts.confirmMatchAll) {
    throw new ServiceError(
      `${matchAll.length === 1 ? "A rule matches" : `${matchAll.length} rules match`} every statement on this connection; nothing was saved. Confirm that this is meant to save anyway.`,
      422,
      Object.fromEntries(matchAll.map((rule) => [rule.path, rule.message])),
    );
  }

  return db.transaction(async (tx) => {
    const [connection] = await tx.select({ id: connections.id, name: connections.name }).from(connections).where(eq(connections.id, connectionId)).for("update");
    if (!connection) throw new ServiceError("This connection does not exist (any more).", 404);
    const [current] = await tx
      .select({ version: policyVersions.version, document: policyVersions.document })
      .from(policyVersions)
      .where(eq(policyVersions.connectionId, connectionId))
      .orderBy(desc(policyVersions.version))
      .limit(1);
    const currentVersion = current?.version ?? 0;
    if (opts.restoredFromVersion !== undefined && isSameJson(current?.document ?? defaultPolicy(), next)) {
      throw new ServiceError(`Version ${currentVersion} in force already has the document of version ${opts.restoredFromVersion}; nothing to restore.`, 409);
    }
    if (opts.baseVersion !== undefined && opts.baseVersion !== currentVersion) {
      throw new ServiceError(
        `Version ${currentVersion} was saved after you started editing version ${opts.baseVersion}. Reload to see it, then make your change again.`,
        409,
      );
    }
    const [row] = await tx
      .insert(policyVersions)
      .values({ connectionId, version: currentVersion + 1, document: next, author: actor, comment: comment.trim() })
      .returning();
    await appendAuditEvent(tx, {
      actor,
      action: "policy.update",
      targetType: "connection",
      targetId: connectionId,
      targetName: connection.name,
      // Version 0 is the default a connection runs before any version is saved.
      before: current?.document ?? defaultPolicy(),
      after: next,
      details: {
        fromVersion: currentVersion,
        toVersion: row.version,
        comment: row.comment,
        ...(opts.restoredFromVersion !== undefined ? { restoredFromVersion: opts.restoredFromVersion, summary: `Restored from version ${opts.restoredFromVersion}` } : {}),
        // Which rules the admin knowingly saved matching every statement.
        ...(matchAll.length > 0 ? { confirmedMatchAll: matchAll.map((rule) => rule.id) } : {}),
      },
    });
    // Delivered when the transaction commits, so no worker reloads before the new version is visible.
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.policyChanged}, ${connectionId})`);
    return toPolicyVersionDto(row);
  });
}
