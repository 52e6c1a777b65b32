import fs from "node:fs";
import path from "node:path";
import type { BenchOptions } from "./args";
import { TARGET_LABELS, TARGETS, type Target } from "./endpoints";
import type { LargeResultRead } from "./large-result";
import type { PgbenchResult } from "./pgbench";
import type { LargeResultScenario, PgbenchScenario } from "./scenarios";

export type PgbenchCell = ({ kind: "ok"; /** peak RSS of the proxy process during the run */ peakRss?: number } & PgbenchResult) | { kind: "skipped" | "failed"; reason: string };
export type PgbenchRow = { scenario: PgbenchScenario; cells: Record<Target, PgbenchCell> };
export type LargeResultRow = {
  scenario: LargeResultScenario;
  /** The fastest read by a real client (node-postgres) and at the bare wire. */
  reads: { client: LargeResultRead; wire: LargeResultRead } | null;
  /** RSS of the process in between (pgbouncer, the gateway) before the first read, and its peak over all reads. */
  rssBefore: number | null;
  peakRss: number | null;
  note: string | null;
};

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  machine: Record<string, string | number>;
  pgbench: PgbenchRow[];
  largeResults: LargeResultRow[];
  notes: string[];
};

const number = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => `${number(bytes / 1024 / 1024)} MiB`;

function pgbenchCell(cell: PgbenchCell, direct: PgbenchCell): string {
  if (cell.kind !== "ok") return `${cell.kind}: ${cell.reason}`;
  const ratio = direct.kind === "ok" ? ` (${number(cell.tps / direct.tps, 2)}×)` : "";
  const failed = cell.failed ? `, ${number(cell.failed)} failed` : "";
  return `${number(cell.tps)} tps, ${number(cell.latencyMs, 3)} ms${ratio}${failed}`;
}

/** scenario | direct | pgbouncer | gateway strict | gateway async: TPS, mean latency, TPS ratio to direct. */
export function renderPgbenchTable(rows: PgbenchRow[]): string {
  const header = `| scenario | ${TARGETS.map((t) => TARGET_LABELS[t]).join(" | ")} |`;
  const rule = `|---|${TARGETS.map(() => "---").join("|")}|`;
  const body = rows.map((r) => `| ${r.scenario.label} | ${TARGETS.map((t) => pgbenchCell(r.cells[t], r.cells.direct)).join(" | ")} |`);
  return [header, rule, ...body].join("\n");
}

/** scenario | MB/s and ratio to direct, read by node-postgres and at the wire | peak RSS of the process in between. */
export function renderLargeResultTable(rows: LargeResultRow[]): string {
  const direct = rows.find((r) => r.scenario.target === "direct" && !r.scenario.connection)?.reads;
  const rate = (r: LargeResultRead, d: LargeResultRead | undefined) => `${number(r.mbPerSecond, 1)} MB/s${d ? ` (${number(r.mbPerSecond / d.mbPerSecond, 2)}×)` : ""}`;
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

export function renderMarkdown(report: BenchReport): string {
  const machine = Object.entries(report.machine).map(([k, v]) => `${k}: ${v}`).join(" · ");
  return [
    `# Warden gateway bench, ${report.startedAt}`,
    "",
    machine,
    "",
    `## pgbench -S (select only), ${report.options.durationSeconds} s each, scale ${report.options.scale}`,
    "",
    "Each cell: transactions per second, mean latency, and TPS as a ratio to direct.",
    "",
    renderPgbenchTable(report.pgbench),
    "",
    `## Large result: ${number(report.options.largeRows)} rows, read by node-postgres and at the wire (best of ${report.options.largeRepeats} each)`,
    "",
    renderLargeResultTable(report.largeResults),
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
