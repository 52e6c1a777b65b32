import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { PolicyVersionDto } from "@/lib/shared/contracts/policies";
import { getPolicyVersion } from "./get-policy-version";
import { savePolicyVersion } from "./save-policy-version";

export type RestorePolicyOptions = {
  /** Why, added to the version's comment after "Restored from version N". */
  reason?: string;
  /** The version the admin saw in force; a newer one saved meanwhile makes this a 409. */
  baseVersion?: number;
  confirmMatchAll?: boolean;
};

/** The comment a restored version carries, so the History list says what it is without a lookup. */
export function restoredComment(version: number, reason?: string): string {
  const why = reason?.trim();
  return why ? `Restored from version ${version}: ${why}` : `Restored from version ${version}`;
}

/**
 * Saves an earlier version's document as the connection's next version. History is never rewritten:
 * version N stays as it was and the restore is a new version, audited as policy.update with
 * `restoredFromVersion`. It goes through the same save (validation, match-all confirmation, the
 * base-version check, NOTIFY) as an edit. Versions never change, so reading N before the save's
 * transaction cannot read a stale document.
 */
export async function restorePolicyVersion(db: Db, actor: string, connectionId: string, version: number, opts: RestorePolicyOptions = {}): Promise<PolicyVersionDto> {
  const source = await getPolicyVersion(db, connectionId, version);
  return savePolicyVersion(db, actor, connectionId, source.document, restoredComment(version, opts.reason), {
    baseVersion: opts.baseVersion,
    confirmMatchAll: opts.confirmMatchAll,
    restoredFromVersion: version,
  });
}
