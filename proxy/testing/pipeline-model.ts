import type { Statement } from "@/drizzle/schema";
import type { Step } from "./pipeline-script";
import { sqlStateOf, type RawMessage } from "./raw-client";

/**
 * Reads a script's replies as PostgreSQL sent them, message by message, to say what happened to
 * each step (done, failed, skipped until Sync), and from that which statements the server ran, with
 * which SQL and outcome: what the gateway's records must show. The state it keeps (statement and
 * portal names) changes only on the server's answers, as the gateway's must.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */

export type StepOutcome = { status: "ok" | "error" | "skipped" | "suspended" | "none"; code?: string };

/**
 * A statement the server ran: an Execute of a portal (continued while suspended), or a simple
 * Query. Optional entries stand for Executes that ran nothing, which the gateway may record or not:
 * one of a portal that did not exist (34000, which the gateway refuses itself), one skipped because
 * its own Bind or Parse failed (the gateway records that failure as the Execute's, with the SQL
 * the client meant: `sql` null, any SQL fits), or another Execute of a portal that had already
 * completed (an empty fetch, or 55000 for a portal that cannot be run twice).
 */
export type ExpectedRun = {
  sql: string | null;
  status: "ok" | "error" | "suspended";
  isOptional: boolean;
  /** The step that started it, for messages. */
  step: number;
};

/** Server messages that belong to no request. */
const ASYNC_TYPES = new Set(["N", "S", "A", "K"]);

export function withoutAsync(ms: readonly RawMessage[]): RawMessage[] {
  return ms.filter((m) => !ASYNC_TYPES.has(m.type));
}

/** Pairs each step with its replies. Throws when the replies do not fit the protocol (a model bug, or a broken stream). */
export function attributeReplies(steps: readonly Step[], replies: readonly RawMessage[]): StepOutcome[] {
  const ms = withoutAsync(replies);
  let i = 0;
  const next = (stepIndex: number, allowed: string) => {
    const m = ms[i++];
    if (!m || !allowed.includes(m.type)) throw new Error(`step ${stepIndex}: expected one of ${allowed}, got ${m?.type ?? "nothing"} at reply ${i - 1}`);
    return m;
  };
  const failed = (m: RawMessage): StepOutcome => ({ status: "error", code: sqlStateOf(m) });
  let isSkipping = false;
  const out: StepOutcome[] = [];
  steps.forEach((s, n) => {
    if (s.kind === "flush") return out.push({ status: "none" });
    if (isSkipping && s.kind !== "sync") return out.push({ status: "skipped" });
    switch (s.kind) {
      case "parse":
      case "bind":
      case "close": {
        const m = next(n, `${{ parse: "1", bind: "2", close: "3" }[s.kind]}E`);
        if (m.type === "E") {
          isSkipping = true;
          return out.push(failed(m));
        }
        return out.push({ status: "ok" });
      }
      case "describe": {
        const m = next(n, s.target === "S" ? "tE" : "TnE");
        if (m.type === "E") {
          isSkipping = true;
          return out.push(failed(m));
        }
        if (m.type === "t") next(n, "Tn");
        return out.push({ status: "ok" });
      }
      case "execute":
        for (;;) {
          const m = next(n, "DCIsE");
          if (m.type === "D") continue;
          if (m.type === "E") {
            isSkipping = true;
            return out.push(failed(m));
          }
          return out.push({ status: m.type === "s" ? "suspended" : "ok" });
        }
      case "query": {
        let outcome: StepOutcome = { status: "ok" };
        for (;;) {
          const m = next(n, "TDCIEZ");
          if (m.type === "E") outcome = failed(m);
          if (m.type === "Z") return out.push(outcome);
        }
      }
      case "sync":
        next(n, "Z");
        isSkipping = false;
        return out.push({ status: "ok" });
    }
  });
  if (i !== ms.length) throw new Error(`${ms.length - i} replies left over after the script`);
  return out;
}

/** The statements the server ran, in order, with the SQL each ran: from the steps and their outcomes. */
export function expectedRuns(steps: readonly Step[], outcomes: readonly StepOutcome[]): ExpectedRun[] {
  const statementSql = new Map<string, string>();
  const portals = new Map<string, { sql: string; run: ExpectedRun | null }>();
  const runs: ExpectedRun[] = [];
  steps.forEach((s, n) => {
    const o = outcomes[n]!;
    switch (s.kind) {
      case "parse":
        // PostgreSQL drops the unnamed statement before parsing the new one, whether or not it parses.
        if (s.name === "" && o.status !== "skipped") statementSql.delete("");
        if (o.status === "ok") statementSql.set(s.name, s.sql);
        return;
      case "bind":
        if (o.status === "ok") {
          const sql = statementSql.get(s.statement);
          if (sql === undefined) throw new Error(`step ${n}: the server bound ${JSON.stringify(s.statement)}, which the model does not know`);
          portals.set(s.portal, { sql, run: null });
        }
        return;
      case "close":
        if (o.status === "ok") (s.target === "S" ? statementSql : portals).delete(s.name);
        return;
      case "sync":
        // The transaction ends: its portals go with it.
        portals.clear();
        return;
      case "query":
        if (o.status === "skipped") return;
        // A simple Query drops the unnamed statement and portal. Named portals of an implicit transaction
        // the extended protocol started (no Sync yet) survive it: PostgreSQL 18 runs them on afterwards.
        statementSql.delete("");
        portals.delete("");
        runs.push({ sql: s.sql, status: o.status === "error" ? "error" : "ok", isOptional: false, step: n });
        return;
      case "execute": {
        if (o.status === "skipped") {
          runs.push({ sql: null, status: "error", isOptional: true, step: n });
          return;
        }
        const status = o.status === "error" ? "error" : o.status === "suspended" ? "suspended" : "ok";
        if (o.code === "34000") {
          runs.push({ sql: null, status: "error", isOptional: true, step: n });
          return;
        }
        const portal = portals.get(s.portal);
        if (!portal) throw new Error(`step ${n}: the server ran portal ${JSON.stringify(s.portal)}, which the model does not know`);
        if (portal.run?.status === "suspended") {
          portal.run.status = status;
          return;
        }
        if (portal.run) {
          runs.push({ sql: portal.sql, status, isOptional: true, step: n });
          return;
        }
        portal.run = { sql: portal.sql, status, isOptional: false, step: n };
        runs.push(portal.run);
        return;
      }
    }
  });
  return runs;
}

/**
 * Compares the gateway's records of one script with the runs the server made. Records of statements
 * that did not run (skipped until Sync, refused by the gateway) are not compared; every run must
 * have its record, with the SQL it ran and its outcome, in order; an optional entry may take one
 * record in error (with whatever SQL the client meant). Returns the differences.
 */
export function compareRecords(expected: readonly ExpectedRun[], records: readonly Statement[]): string[] {
  const problems: string[] = [];
  // Every record compared here was answered by the server before the client left: none may be
  // left running, nor say "unknown" (the session ended first), which would not be true.
  for (const r of records) if (r.status === "running" || r.status === "unknown") problems.push(`record ${r.seq} (${JSON.stringify(r.sql)}) says ${r.status}, though the server answered before the session ended`);
  const ran = records.filter((r) => r.status !== "skipped" && r.status !== "blocked");
  const fitsOptional = (e: ExpectedRun, r: Statement) => (e.sql === null || r.sql === e.sql) && r.status === (e.status === "suspended" ? "suspended" : e.status);
  const fits = (e: ExpectedRun, r: Statement) => r.sql === e.sql && (e.status === "suspended" ? r.status === "suspended" || r.status === "ok" : r.status === e.status);
  // Alignment of records to runs, in order (a small DP: optional entries may or may not take a record).
  const memo = new Map<string, boolean>();
  const aligns = (k: number, j: number): boolean => {
    const key = `${k},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok: boolean;
    if (k === expected.length) ok = j === ran.length;
    else if (expected[k]!.isOptional) ok = aligns(k + 1, j) || (j < ran.length && fitsOptional(expected[k]!, ran[j]!) && aligns(k + 1, j + 1));
    else ok = j < ran.length && fits(expected[k]!, ran[j]!) && aligns(k + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  if (aligns(0, 0)) return problems;
  // No alignment: say where the records first part from the runs, skipping optional entries.
  const required = expected.filter((e) => !e.isOptional);
  const show = (e: ExpectedRun) => `step ${e.step}: ${JSON.stringify(e.sql)} ${e.status}`;
  problems.push(
    `the records do not match the statements the server ran:\n    ran:      ${required.map(show).join("; ") || "nothing"}\n    recorded: ${ran.map((r) => `${r.seq}: ${JSON.stringify(r.sql)} ${r.status}`).join("; ") || "nothing"}` +
      (expected.length > required.length ? `\n    (may also be recorded as errors, not run: ${expected.filter((e) => e.isOptional).map((e) => `step ${e.step}`).join(", ")})` : ""),
  );
  return problems;
}
