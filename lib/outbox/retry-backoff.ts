export type BackoffSettings = { baseMs: number; capMs: number; jitter: number };

/** 1 s, doubling, at most 5 minutes, each ±20 %, so sinks that failed together do not retry together. */
export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1000, capMs: 5 * 60_000, jitter: 0.2 };

/** The wait before the next attempt after `failedAttempts` failures in a row (1 = the first failure). */
export function computeRetryDelay(failedAttempts: number, settings: BackoffSettings = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const delay = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  const spread = delay * settings.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(settings.capMs, delay + spread)));
}
