import { and, inArray, isNotNull, lte, or } from "drizzle-orm";
import { tokens } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { Logger } from "../log";
import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";
import type { ClientSession } from "./client-session";
import { END_REASONS } from "./phases";

/**
 * Ends live sessions whose credential stopped being valid: a token revoked in the console (or by
 * the CLI) or expired, a JWT past its expiry. Run every few seconds by the worker, so a revocation
 * takes effect on open connections well within a minute.
 */
export async function sweepCredentials(db: Db, sessions: Iterable<ClientSession>, log: Logger): Promise<void> {
  const now = Date.now();
  const live = [...sessions].filter((s) => s.phase === "ready" && s.signedIn);
  for (const s of live) {
    const expiresAt = s.signedIn!.expiresAt;
    if (expiresAt && expiresAt.getTime() <= now) {
      s.close(END_REASONS.credentialExpired, ClientError.fatal(SqlState.AdminShutdown, `terminating connection because the ${s.signedIn!.authMethod === "jwt" ? "JWT" : "Warden token"} it signed in with expired`));
    }
  }
  const tokenIds = [...new Set(live.map((s) => s.signedIn!.tokenId).filter((id): id is string => Boolean(id)))];
  if (tokenIds.length === 0) return;
  let revoked: { id: string; revokedAt: Date | null }[];
  try {
    revoked = await db
      .select({ id: tokens.id, revokedAt: tokens.revokedAt })
      .from(tokens)
      .where(and(inArray(tokens.id, tokenIds), or(isNotNull(tokens.revokedAt), lte(tokens.expiresAt, new Date(now)))));
  } catch (err) {
    log.warn("token check failed; will retry", { error: (err as Error).message });
    return;
  }
  const ended = new Map(revoked.map((r) => [r.id, r.revokedAt ? "revoked" : "expired"]));
  for (const s of live) {
    const why = s.signedIn?.tokenId ? ended.get(s.signedIn.tokenId) : undefined;
    if (!why) continue;
    s.close(why === "revoked" ? END_REASONS.tokenRevoked : END_REASONS.credentialExpired, ClientError.fatal(SqlState.AdminShutdown, `terminating connection because its Warden token ${why === "revoked" ? "was revoked" : "expired"}`));
  }
}
