import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { Endpoint, PgbouncerPooling, Target } from "./endpoints";
import { LARGE_TABLE, MASKED_COLUMNS, ROW_ONE_UNMASKED } from "./large-table";
import { everyDetectorPolicy, maskedLargeTablePolicy } from "./masking-policy";
import type { PgbenchRun } from "./pgbench";

/**
 * What the bench measures. Adding a scenario is one entry here; run.ts runs every entry against
 * its targets and the report prints it as a row.
 */

export type PgbenchScenario = { id: string; label: string; pgbouncerPooling: PgbouncerPooling } & Omit<PgbenchRun, "durationSeconds">;

export const PGBENCH_SCENARIOS: PgbenchScenario[] = [
  { id: "select-simple-c1", label: "select-only, simple, 1 client", protocol: "simple", clients: 1, pgbouncerPooling: "transaction" },
  { id: "select-simple-c10", label: "select-only, simple, 10 clients", protocol: "simple", clients: 10, pgbouncerPooling: "transaction" },
  // Prepared statements live in a server session: pgbouncer 1.18 keeps them only in session pooling.
  { id: "select-prepared-c1", label: "select-only, prepared, 1 client", protocol: "prepared", clients: 1, pgbouncerPooling: "session" },
  { id: "select-prepared-c10", label: "select-only, prepared, 10 clients", protocol: "prepared", clients: 10, pgbouncerPooling: "session" },
];

/**
 * One client pipelining INSERTs over the extended protocol: Parse of a named statement once, then
 * Bind/Execute per row, one Sync at the end, all written before any reply is read. pgbouncer pools it
 * in session mode (the named statement). Timed from the first byte sent to ReadyForQuery.
 */
export const PIPELINE_SCENARIO = { id: "insert-pipeline", pgbouncerPooling: "session" as PgbouncerPooling };

export type LargeResultScenario = {
  id: string;
  label: string;
  /** The process clients talk to; its RSS is what the peak column shows (none for direct). */
  target: Target;
  /** A gateway catalog entry of its own, with its own policy (the default entry otherwise). */
  connection?: { name: string; policy: () => PolicyDocument };
  /** Before the read: null when the scenario can run, or the line to print instead. */
  whyUnavailable?: (endpoint: Endpoint) => Promise<string | null>;
};

export const LARGE_RESULT_SCENARIOS: LargeResultScenario[] = [
  { id: "direct", label: "direct", target: "direct" },
  { id: "relay", label: "byte relay", target: "relay" },
  { id: "pgbouncer", label: "pgbouncer", target: "pgbouncer" },
  { id: "gateway-strict", label: "gateway strict (no masking)", target: "gateway-strict" },
  {
    id: "gateway-strict-masked",
    label: "gateway strict + masking (3 masked columns)",
    target: "gateway-strict",
    connection: { name: "bench_masked", policy: maskedLargeTablePolicy },
    whyUnavailable: whyMaskingUnavailable,
  },
  {
    id: "gateway-strict-default-policy",
    label: "gateway strict, a new connection's default policy (content detectors on)",
    target: "gateway-strict",
    connection: { name: "bench_default", policy: defaultPolicy },
  },
  {
    // The default policy leaves the email and phone detectors off; this turns all eight on.
    id: "gateway-strict-every-detector",
    label: "gateway strict, every content detector on",
    target: "gateway-strict",
    connection: { name: "bench_every_detector", policy: everyDetectorPolicy },
  },
];

const MASKING_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../proxy/masking");

/** Masking counts as available once the gateway really masks the three columns of one known row. */
async function whyMaskingUnavailable(endpoint: Endpoint): Promise<string | null> {
  if (!fs.existsSync(MASKING_DIR)) return "masked run: not available yet (no proxy/masking)";
  const c = new pg.Client(endpoint);
  await c.connect();
  try {
    const { rows } = await c.query({ text: `select ${MASKED_COLUMNS.join(", ")} from ${LARGE_TABLE} where id = 1`, rowMode: "array" });
    const shown = rows[0] as string[] | undefined;
    const unmasked = MASKED_COLUMNS.filter((_, i) => shown?.[i] === ROW_ONE_UNMASKED[i]);
    return unmasked.length ? `masked run: not available yet (the gateway returned ${unmasked.join(", ")} unmasked)` : null;
  } catch (err) {
    return `masked run: not available yet (${(err as Error).message})`;
  } finally {
    await c.end().catch(() => {});
  }
}
