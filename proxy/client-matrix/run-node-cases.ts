import type { CaseOutcome, SideRun } from "./describe-client-matrix";
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
    try {
      outcomes.push({ case: name, ok: true, detail: toJson(await Promise.race([run(target), deadline])) });
    } catch (err) {
      outcomes.push({ case: name, ok: false, detail: errorDetail(err), trace: (err as Error)?.stack ?? String(err) });
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
