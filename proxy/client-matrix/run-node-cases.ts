import { createHash } from "node:crypto";
import type { CaseOutcome, SideRun } from "./case-outcome";
import type { MatrixTarget } from "./matrix-fixture";

/** A case of an in-process Node client: resolves to what it observed, or throws what it did not expect. */
export type NodeCase = (target: MatrixTarget) => Promise<unknown>;

/**
 * Runs a Node client's cases in order, each on its own connections and with its own deadline, so
 * one case that hangs or breaks its session is reported and the rest still run.
 */
export async function runNodeCases(cases: Record<string, NodeCase>, target: MatrixTarget, timeoutMs = 30_000): Promise<SideRun> {
  const outcomes: CaseOutcome[] = [];
  for (const [name, run] of Object.entries(cases)) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no outcome within ${timeoutMs} ms`)), timeoutMs);
    });
    const started = Date.now();
    try {
      const detail = toJson(await Promise.race([run(target), deadline]));
      outcomes.push({ case: name, ok: true, detail, ms: Date.now() - started });
    } catch (err) {
      outcomes.push({ case: name, ok: false, detail: errorDetail(err), trace: (err as Error)?.stack ?? String(err), ms: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }
  return { outcomes, log: "" };
}

/** The parts of a server error a client shows its user: SQLSTATE, message, position and hint. */
export function errorDetail(err: unknown) {
  const e = err as { code?: string; message?: string; position?: string; hint?: string };
  return { code: e?.code ?? null, message: e?.message ?? String(err), position: e?.position ?? null, hint: e?.hint ?? null };
}

/** Runs `fn`, expecting it to fail, and returns the error as a client shows it. */
export async function caught(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (err) {
    return errorDetail(err);
  }
  return { code: "no error" };
}

/** Buffers as hex, dates as ISO strings, bigints as strings: what the two sides compare. */
function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (_, v) => {
      if (typeof v === "bigint") return v.toString();
      if (v && typeof v === "object" && v.type === "Buffer" && Array.isArray(v.data)) return `\\x${Buffer.from(v.data).toString("hex")}`;
      return v;
    }),
  );
}

/**
 * The 200,000-row result every client reads. md5 with its digits turned into letters: the default
 * policy's card-number detector masks the long digit runs in some md5 strings (341 of these), and
 * masking is the policy speaking, not the gateway misbehaving.
 */
export const ROWS_200K = "select g, translate(md5(g::text), '0123456789', 'ghijklmnop') as h from generate_series(1, 200000) g";

/** sha256 of the rows as "g\th\n" lines, as every client's case computes it. */
export function digestRows(rows: unknown[][]): string {
  const hash = createHash("sha256");
  for (const row of rows) hash.update(`${row.join("\t")}\n`);
  return hash.digest("hex");
}
