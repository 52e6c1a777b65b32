import type { GatewayTarget } from "./endpoints";
import { MCP_GOAL_MS } from "./mcp-query-scenario";
import type { BenchReport, PgbenchRow } from "./report";

/**
 * Issue 8's speed targets (and issue 11's for MCP, issue 13's for masking), each compared with this run's measurement. Ratios, never times: the
 * machine's speed cancels out, its other load does not (hence the load average beside every row).
 */
export type GoalResult = { label: string; wanted: string; measured: string | null; isMet: boolean; whyNotMeasured?: string };

type Measurement = { value: number; shown: string } | { missing: string };

const MIB = 1024 * 1024;
const fixed2 = (n: number) => `${n.toFixed(2)}×`;

/** TPS of `target` in a pgbench scenario as a ratio to direct or pgbouncer in the same run. */
function tpsRatio(rows: PgbenchRow[], scenarioId: string, target: GatewayTarget, against: "direct" | "pgbouncer"): Measurement {
  const row = rows.find((r) => r.scenario.id === scenarioId);
  if (!row) return { missing: `no ${scenarioId} run` };
  const [cell, base] = [row.cells[target], row.cells[against]];
  if (cell.kind !== "ok") return { missing: `${target}: ${cell.kind}` };
  if (base.kind !== "ok") return { missing: `${against}: ${base.kind}` };
  const value = cell.tps / base.tps;
  return { value, shown: `${fixed2(value)} ${against}` };
}

/** What the goals read: the whole report but the goals themselves. */
type Measured = Omit<BenchReport, "goals">;
type Goal = { label: string; wanted: string; measure(r: Measured): Measurement; isMet(value: number): boolean };

const atLeast = (n: number) => (v: number) => v >= n;
const atMost = (n: number) => (v: number) => v <= n;

function pgbenchGoal(label: string, scenarioId: string, target: GatewayTarget, against: "direct" | "pgbouncer", least: number): Goal {
  return { label, wanted: `≥ ${fixed2(least)} ${against}`, measure: (r) => tpsRatio(r.pgbench, scenarioId, target, against), isMet: atLeast(least) };
}

function rssGoal(target: GatewayTarget): Goal {
  return {
    label: `gateway worker RSS after the bench (${target === "gateway-strict" ? "strict" : "async"})`,
    wanted: "≤ 150 MiB",
    measure: (r) => {
      const rss = r.processes.find((p) => p.target === target)?.rssAfter;
      return rss == null ? { missing: "not read" } : { value: rss / MIB, shown: `${(rss / MIB).toFixed(0)} MiB` };
    },
    isMet: atMost(150),
  };
}

const GOALS: Goal[] = [
  pgbenchGoal("pgbench -S simple, 1 client, strict", "select-simple-c1", "gateway-strict", "direct", 0.5),
  pgbenchGoal("pgbench -S simple, 10 clients, strict", "select-simple-c10", "gateway-strict", "pgbouncer", 0.5),
  pgbenchGoal("pgbench -S simple, 1 client, async", "select-simple-c1", "gateway-async", "pgbouncer", 0.6),
  pgbenchGoal("pgbench -S simple, 10 clients, async", "select-simple-c10", "gateway-async", "pgbouncer", 0.6),
  pgbenchGoal("pgbench -S prepared, 1 client, strict", "select-prepared-c1", "gateway-strict", "pgbouncer", 0.5),
  pgbenchGoal("pgbench -S prepared, 10 clients, strict", "select-prepared-c10", "gateway-strict", "pgbouncer", 0.5),
  pgbenchGoal("pgbench -S prepared, 1 client, async", "select-prepared-c1", "gateway-async", "pgbouncer", 0.5),
  pgbenchGoal("pgbench -S prepared, 10 clients, async", "select-prepared-c10", "gateway-async", "pgbouncer", 0.5),
  {
    label: "pipelined extended-protocol INSERTs, one client, strict",
    wanted: "≤ 3.00× direct's time",
    measure: (r) => {
      const [cell, direct] = [r.pipeline.cells["gateway-strict"], r.pipeline.cells.direct];
      if (cell.kind !== "ok" || direct.kind !== "ok") return { missing: `gateway strict: ${cell.kind}, direct: ${direct.kind}` };
      const value = cell.seconds / direct.seconds;
      return { value, shown: `${fixed2(value)} direct's time (${r.pipeline.statements.toLocaleString("en-US")} INSERTs)` };
    },
    isMet: atMost(3),
  },
  {
    label: "large read, no masking, on the wire (strict)",
    wanted: "≥ 0.80× direct",
    measure: (r) => {
      const gateway = r.largeResults.find((l) => l.scenario.target === "gateway-strict" && !l.scenario.connection)?.reads?.wire;
      const direct = r.largeResults.find((l) => l.scenario.target === "direct")?.reads?.wire;
      if (!gateway || !direct) return { missing: "not read" };
      const value = gateway.mbPerSecond / direct.mbPerSecond;
      return { value, shown: `${fixed2(value)} direct (${gateway.rows.toLocaleString("en-US")} rows)` };
    },
    isMet: atLeast(0.8),
  },
  largeReadGoal("issue 13: large read, 3 masked columns, on the wire (strict)", "gateway-strict-masked", 0.5),
  largeReadGoal("issue 13: large read, a new connection's default policy (6 content detectors), on the wire (strict)", "gateway-strict-default-policy", 0.3),
  largeReadGoal("issue 13: large read, every content detector on, on the wire (strict)", "gateway-strict-every-detector", 0.3),
  rssGoal("gateway-strict"),
  rssGoal("gateway-async"),
  mcpGoal("stdio"),
  mcpGoal("http"),
];

/** Issue 13 item 4: a large-result scenario's wire rate as a ratio to direct's, in the same run. */
function largeReadGoal(label: string, scenarioId: string, least: number): Goal {
  return {
    label,
    wanted: `≥ ${fixed2(least)} direct`,
    measure: (r) => {
      const row = r.largeResults.find((l) => l.scenario.id === scenarioId);
      const gateway = row?.reads?.wire;
      const direct = r.largeResults.find((l) => l.scenario.target === "direct")?.reads?.wire;
      if (!gateway || !direct) return { missing: row?.note ?? "not read" };
      const value = gateway.mbPerSecond / direct.mbPerSecond;
      return { value, shown: `${fixed2(value)} direct (${gateway.mbPerSecond.toFixed(1)} of ${direct.mbPerSecond.toFixed(1)} MB/s)` };
    },
    isMet: atLeast(least),
  };
}

/** Issue 11 item 7: what a query tool call adds over psql, medians; an absolute time, since psql's own time is the baseline. */
function mcpGoal(transport: "stdio" | "http"): Goal {
  return {
    label: `issue 11: query tool call on a 10-row table, ${transport === "stdio" ? "stdio (warden mcp)" : "Streamable HTTP (/api/mcp on node:http)"}, added over psql (medians)`,
    wanted: `< ${MCP_GOAL_MS} ms`,
    measure: (r) => {
      if (r.mcpQuery.kind !== "ok") return { missing: r.mcpQuery.reason };
      const figures = transport === "stdio" ? r.mcpQuery : r.mcpQuery.http;
      if (!figures) return { missing: "not run" };
      return { value: figures.addedMedianMs, shown: `+${figures.addedMedianMs.toFixed(2)} ms (p95 +${figures.addedP95Ms.toFixed(2)} ms)` };
    },
    isMet: (v) => v < MCP_GOAL_MS,
  };
}

export function checkGoals(report: Measured): GoalResult[] {
  return GOALS.map((g) => {
    const m = g.measure(report);
    if ("missing" in m) return { label: g.label, wanted: g.wanted, measured: null, isMet: false, whyNotMeasured: m.missing };
    return { label: g.label, wanted: g.wanted, measured: m.shown, isMet: g.isMet(m.value) };
  });
}
