import fs from "node:fs";
import path from "node:path";
import type { BenchOptions } from "./args";
import { TARGET_LABELS, TARGETS, isGatewayTarget, type Target } from "./endpoints";
import type { GoalResult } from "./goals";
import type { LargeResultRead } from "./large-result";
import type { PgbenchResult } from "./pgbench";
import type { McpQueryRow } from "./mcp-query-scenario";
import type { LargeResultScenario, PgbenchScenario } from "./scenarios";

export type PgbenchCell = ({ kind: "ok"; /** peak RSS of the proxy process during the run */ peakRss?: number } & PgbenchResult) | { kind: "skipped" | "failed"; reason: string };
/** `loadAverage`: the 1-minute load average when the row's last run ended. */
export type PgbenchRow = { scenario: PgbenchScenario; cells: Record<Target, PgbenchCell>; loadAverage: number };
/** `seconds`: the fastest of `runs`. */
export type PipelineCell = { kind: "ok"; seconds: number; runs: number[]; peakRss?: number } | { kind: "skipped" | "failed"; reason: string };
export type PipelineRow = { statements: number; cells: Record<Target, PipelineCell>; loadAverage: number };
export type LargeResultRow = {
  scenario: LargeResultScenario;
  /** The fastest read by a real client (node-postgres) and at the bare wire. */
  reads: { client: LargeResultRead; wire: LargeResultRead } | null;
  /** RSS of the process in between (pgbouncer, the gateway) before the first read, and its peak over all reads. */
  rssBefore: number | null;
  peakRss: number | null;
  note: string | null;
};
/** The memory of a process between the clients and the target (in bytes): just started, its peak over every measurement, and at the end. */
export type ProcessMemory = {
  target: Target;
  pid: number;
  idleRss: number | null;
  peakRss: number | null;
  rssAfter: number | null;
  /** The gateway's own process.memoryUsage() after the bench: how much of the RSS is V8's heap, and how much buffers and WASM memory. */
  usageAfter: Pick<NodeJS.MemoryUsage, "heapTotal" | "heapUsed" | "external" | "arrayBuffers"> | null;
};

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  machine: Record<string, string | number>;
  pgbench: PgbenchRow[];
  pipeline: PipelineRow;
  largeResults: LargeResultRow[];
  mcpQuery: McpQueryRow;
  processes: ProcessMemory[];
  goals: GoalResult[];
  notes: string[];
};

const number = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const mib = (bytes: number) => `${number(bytes / 1024 / 1024)} MiB`;
const ratio = (n: number) => `${number(n, 2)}×`;
const TARGET_HEADERS = TARGETS.map((t) => TARGET_LABELS[t]).join(" | ");
const TARGET_RULE = TARGETS.map(() => "---").join("|");

/** TPS of a pgbench cell, when it ran. */
const tpsOf = (cell: PgbenchCell | undefined) => (cell?.kind === "ok" ? cell.tps : null);

/** A cell: TPS and mean latency, then TPS as a ratio to direct and, for the gateway and the relay, to pgbouncer. */
function pgbenchCell(row: PgbenchRow, target: Target): string {
  const cell = row.cells[target];
  if (cell.kind !== "ok") return `${cell.kind}: ${cell.reason}`;
  const ratios: string[] = [];
  const direct = tpsOf(row.cells.direct);
  const pgbouncer = tpsOf(row.cells.pgbouncer);
  if (target !== "direct" && direct) ratios.push(`${ratio(cell.tps / direct)} direct`);
  if (target !== "direct" && target !== "pgbouncer" && pgbouncer) ratios.push(`${ratio(cell.tps / pgbouncer)} pgbouncer`);
  const pooling = target === "pgbouncer" ? ` (${row.scenario.pgbouncerPooling} pooling)` : "";
  const failed = cell.failed ? `, ${number(cell.failed)} failed` : "";
  return `${number(cell.tps)} tps, ${number(cell.latencyMs, 3)} ms${pooling}${failed}${ratios.length ? ` · ${ratios.join(", ")}` : ""}`;
}

/** scenario | each target: TPS, mean latency, ratios to direct and pgbouncer | the load average at the row's end. */
export function renderPgbenchTable(rows: PgbenchRow[]): string {
  const body = rows.map((r) => `| ${r.scenario.label} | ${TARGETS.map((t) => pgbenchCell(r, t)).join(" | ")} | ${number(r.loadAverage, 2)} |`);
  return [`| scenario | ${TARGET_HEADERS} | load (1 min) |`, `|---|${TARGET_RULE}|---|`, ...body].join("\n");
}

/** The pipeline's time per target, as a multiple of direct's time and of pgbouncer's (lower is better). */
export function renderPipelineTable(row: PipelineRow): string {
  const secondsOf = (c: PipelineCell | undefined) => (c?.kind === "ok" ? c.seconds : null);
  const direct = secondsOf(row.cells.direct);
  const pgbouncer = secondsOf(row.cells.pgbouncer);
  const cell = (target: Target) => {
    const c = row.cells[target];
    if (c.kind !== "ok") return `${c.kind}: ${c.reason}`;
    const ratios: string[] = [];
    if (target !== "direct" && direct) ratios.push(`${ratio(c.seconds / direct)} direct's time`);
    if (target !== "direct" && target !== "pgbouncer" && pgbouncer) ratios.push(`${ratio(c.seconds / pgbouncer)} pgbouncer's`);
    return `${number(c.seconds, 3)} s${target === "pgbouncer" ? " (session pooling)" : ""}${ratios.length ? ` · ${ratios.join(", ")}` : ""}`;
  };
  return [
    `| scenario | ${TARGET_HEADERS} | load (1 min) |`,
    `|---|${TARGET_RULE}|---|`,
    `| one client, ${number(row.statements)} INSERTs pipelined (Parse once, Bind/Execute each, one Sync) | ${TARGETS.map(cell).join(" | ")} | ${number(row.loadAverage, 2)} |`,
  ].join("\n");
}

/** scenario | MB/s and ratio to direct, read by node-postgres and at the wire | peak RSS of the process in between. */
export function renderLargeResultTable(rows: LargeResultRow[]): string {
  const direct = rows.find((r) => r.scenario.target === "direct" && !r.scenario.connection)?.reads;
  const rate = (r: LargeResultRead, d: LargeResultRead | undefined) => `${number(r.mbPerSecond, 1)} MB/s${d ? ` (${ratio(r.mbPerSecond / d.mbPerSecond)})` : ""}`;
  const lines = [
    "| scenario | node-postgres, rows decoded | wire, frames only | peak RSS of the proxy process (before) | rows |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    if (!r.reads) {
      lines.push(`| ${r.scenario.label} | ${r.note ?? "not run"} | | | |`);
      continue;
    }
    const rss = r.peakRss === null ? "—" : `${mib(r.peakRss)} (${r.rssBefore === null ? "?" : mib(r.rssBefore)})`;
    lines.push(`| ${r.scenario.label} | ${rate(r.reads.client, direct?.client)} | ${rate(r.reads.wire, direct?.wire)} | ${rss} | ${number(r.reads.client.rows)} |`);
  }
  return lines.join("\n");
}

/** client | median and p95 of one statement, and what MCP adds over psql (issue 11 item 7). */
export function renderMcpQueryTable(row: McpQueryRow): string {
  if (row.kind !== "ok") return `Not measured: ${row.reason}`;
  const ms = (n: number) => `${number(n, 2)} ms`;
  const added = (median: number, p95: number) => `+${ms(median)} median, +${ms(p95)} p95`;
  return [
    "| client, through the gateway over TLS | median | p95 | added over psql |",
    "|---|---|---|---|",
    `| psql (\\timing) | ${ms(row.psql.medianMs)} | ${ms(row.psql.p95Ms)} | |`,
    `| query tool, stdio (warden mcp) | ${ms(row.mcpQuery.medianMs)} | ${ms(row.mcpQuery.p95Ms)} | ${added(row.addedMedianMs, row.addedP95Ms)} |`,
    ...(row.http
      ? [`| query tool, Streamable HTTP (the /api/mcp endpoint on node:http) | ${ms(row.http.mcpQuery.medianMs)} | ${ms(row.http.mcpQuery.p95Ms)} | ${added(row.http.addedMedianMs, row.http.addedP95Ms)} |`]
      : []),
  ].join("\n");
}

/** process | RSS just started | peak over the bench | after the bench (the gateway's workers are compiled JavaScript under plain node). */
export function renderMemoryTable(processes: ProcessMemory[]): string {
  const or = (bytes: number | null) => (bytes === null ? "—" : mib(bytes));
  const inside = (u: ProcessMemory["usageAfter"]) =>
    u ? `V8 heap ${mib(u.heapUsed)} used of ${mib(u.heapTotal)}; external ${mib(u.external)} (array buffers ${mib(u.arrayBuffers)}; the rest is mostly WASM memory)` : "—";
  return [
    "| process | RSS idle (just started) | peak RSS during the bench | RSS after the bench | of which, after the bench |",
    "|---|---|---|---|---|",
    ...processes.map(
      (p) => `| ${TARGET_LABELS[p.target]}${isGatewayTarget(p.target) ? " worker" : ""} (pid ${p.pid}) | ${or(p.idleRss)} | ${or(p.peakRss)} | ${or(p.rssAfter)} | ${inside(p.usageAfter)} |`,
    ),
  ].join("\n");
}

/** Each of issues 8's and 11's targets against this run's measurement: met, missed, or not measured. */
export function renderGoalsTable(goals: GoalResult[]): string {
  return [
    "| target (issue 8 unless named) | wanted | measured | |",
    "|---|---|---|---|",
    ...goals.map((g) => `| ${g.label} | ${g.wanted} | ${g.measured ?? g.whyNotMeasured} | ${g.measured === null ? "not measured" : g.isMet ? "met" : "**missed**"} |`),
  ].join("\n");
}

/** Everything a run prints, as markdown (the console shows the same tables). */
export function renderTables(report: BenchReport): string {
  const machine = Object.entries(report.machine).map(([k, v]) => `${k}: ${v}`).join(" · ");
  return [
    machine,
    "",
    `## pgbench -S (select only), ${report.options.durationSeconds} s each, scale ${report.options.scale}`,
    "",
    "Each cell: transactions per second, mean latency, then TPS as a ratio to direct and to pgbouncer (higher is better).",
    "",
    renderPgbenchTable(report.pgbench),
    "",
    `## Pipeline: best of ${report.options.pipelineRepeats}, time as a multiple of direct's and pgbouncer's (lower is better)`,
    "",
    renderPipelineTable(report.pipeline),
    "",
    `## Large result: ${number(report.options.largeRows)} rows, read by node-postgres and at the wire (best of ${report.options.largeRepeats} each)`,
    "",
    renderLargeResultTable(report.largeResults),
    "",
    `## MCP: a query tool call against the same statement through psql (${report.mcpQuery.kind === "ok" ? `${number(report.mcpQuery.iterations)} each, warm sessions, ` : ""}10-row table)`,
    "",
    renderMcpQueryTable(report.mcpQuery),
    "",
    "## Memory of the processes in between",
    "",
    renderMemoryTable(report.processes),
    "",
    "## Targets",
    "",
    renderGoalsTable(report.goals),
  ].join("\n");
}

export function renderMarkdown(report: BenchReport): string {
  return [
    `# Warden gateway bench, ${report.startedAt}`,
    "",
    renderTables(report),
    "",
    ...(report.notes.length ? ["## Notes", "", ...report.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
}

/** A run's files are named after its start: bench/results/<stamp>.* (bench/results is gitignored). */
export function resultStamp(startedAt: string): string {
  return startedAt.replace(/[:.]/g, "-");
}

/** bench/results/<stamp>.json and .md. */
export function writeReport(report: BenchReport, dir: string): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = resultStamp(report.startedAt);
  const json = path.join(dir, `${stamp}.json`);
  const markdown = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, `${JSON.stringify(report, (_k, v) => (typeof v === "function" ? undefined : v), 2)}\n`);
  fs.writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}
