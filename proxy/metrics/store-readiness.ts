import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/create-db";

export type Readiness = { isReady: true } | { isReady: false; reason: string };

/** How long /readyz waits for the store's answer: a probe must answer well inside its own timeout. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * Ready: the gateway listens and the store answers `select 1` within `timeoutMs`. A gateway that
 * cannot reach its store refuses every statement (nothing runs unrecorded), so it is not ready.
 */
export async function checkReadiness(opts: { isListening: () => boolean; db: Db; timeoutMs?: number }): Promise<Readiness> {
  if (!opts.isListening()) return { isReady: false, reason: "the gateway is not listening yet" };
  const timeoutMs = opts.timeoutMs ?? READINESS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ isReady: false, reason: `the store did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const probe = opts.db.execute(sql`select 1`).then(
    (): Readiness => ({ isReady: true }),
    (err: Error): Readiness => ({ isReady: false, reason: `the store is unreachable: ${err.message}` }),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
