import pg from "pg";

export type FloodAttempt = { user: string; password: string; database: string };
export type FloodResult = { attempts: number; signedIn: number; refusals: Record<string, number>; elapsedMs: number };

/**
 * An attacker's loop, for attack tests and their figures: `concurrency` connections at once from
 * this address, each replaced by the next attempt as soon as it is answered, for `durationMs`
 * (or until `maxAttempts`). Counts what the client saw; what the gateway checked is the caller's
 * to read (the audit trail).
 */
export async function floodSignIns(opts: {
  port: number;
  host?: string;
  concurrency: number;
  durationMs: number;
  maxAttempts?: number;
  attempt: (i: number) => FloodAttempt;
  ssl?: pg.ClientConfig["ssl"];
}): Promise<FloodResult> {
  const started = Date.now();
  const end = started + opts.durationMs;
  const result: FloodResult = { attempts: 0, signedIn: 0, refusals: {}, elapsedMs: 0 };
  let next = 0;
  const max = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
  const one = async () => {
    while (Date.now() < end && next < max) {
      const a = opts.attempt(next++);
      result.attempts++;
      const client = new pg.Client({ host: opts.host ?? "127.0.0.1", port: opts.port, user: a.user, password: a.password, database: a.database, ssl: opts.ssl, connectionTimeoutMillis: 60_000 });
      client.on("error", () => {});
      try {
        await client.connect();
        result.signedIn++;
        await client.end();
      } catch (err) {
        const code = (err as { code?: string }).code ?? "no_sqlstate";
        result.refusals[code] = (result.refusals[code] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, one));
  result.elapsedMs = Date.now() - started;
  return result;
}
